export const MAIN_HELP = `kspan — Kubernetes events as OpenTelemetry traces

Usage: kspan <command> [options]

Commands:
  run [--config FILE]           run a pipeline (default config: config/demo.yaml)
  validate --config FILE        check a config; lists every problem with its path
  components                    list component types, stability, what they consume/produce
  replay FILE [--format tree|otlp-json] [--config FILE]
                                turn a capture file into traces and print them
  capture --output FILE [--config FILE]
                                record the live watch stream to a capture file
  print-schema                  print the whole config JSON Schema (for editors)
  version, --version            print kspan's version

Run 'kspan <command> --help' for a command's options.
Exit codes: 0 ok, 1 invalid config or failed run, 2 bad usage or unreadable file.
'kspan --version' prints the version.
`;

export const COMMAND_HELP: Record<string, string> = {
  run: `Usage: kspan run [--config FILE]

Runs the pipelines of FILE until their receivers end or SIGINT/SIGTERM arrives; then receivers stop,
processors flush and exporters drain within service.shutdown_timeout; a second signal stops at once.
Exit codes: 0; 1 when a receiver failed for good or spans were lost at shutdown; 128+signal when a
second signal forced the stop.
  -c, --config FILE   pipeline config (default: config/demo.yaml)
`,
  validate: `Usage: kspan validate --config FILE

Checks FILE (YAML, \${env:VAR} expanded) against every component's schema and the pipelines' wiring.
Prints every problem with its path and exits 1 if there is any; prints "valid" and exits 0 otherwise.
  -c, --config FILE   pipeline config to check
`,
  components: `Usage: kspan components [--json]

Lists the receivers, processors and exporters of this distribution.
  --json   machine-readable output
`,
  replay: `Usage: kspan replay FILE [--format tree|otlp-json] [--config FILE] [--width N] [--strict]

Replays a capture file (kspan capture format, kubectl get events -o json, or kubectl --watch output)
through the causality processor and prints the traces. When input lines were skipped or items
dropped, it ends with one line on stderr saying how many, why, and the first line numbers.
Memory: tree holds at most 100000 spans (a debug exporter's max_held_spans in --config sets
another bound); past it the traces least recently added to are drawn early and a later span of
one is drawn under a "part N, continued" header; stderr says how many. otlp-json writes spans
as their windows close, so only the causality processor's state is held (bounded by its caps and
TTLs, which a capture spanning less than an hour of event time may not reach).
Exit codes: 0; 1 if spans were lost (or, with --strict, anything was skipped); 2 usage.
  -f, --format tree|otlp-json   tree: indented trees (default); otlp-json: one OTLP/JSON
                                ExportTraceServiceRequest per line, as the Collector's file exporter
  -c, --config FILE             take the processors and their settings from the first pipeline of FILE
                                (and the tree's bound from a debug exporter's max_held_spans)
  -w, --width N                 tree line width (default: terminal width, else 80)
  --strict                      exit 1 when any input line was skipped or item dropped
`,
  capture: `Usage: kspan capture --output FILE [--config FILE]

Records the live watch stream (events and owner objects) in the capture format until SIGINT/SIGTERM.
Exit codes: 0; 1 failed while writing; 2 usage, unwritable output or unusable credentials (a
capture that fails leaves no empty output behind).
  -o, --output FILE   where to write (one watch event per line)
  -c, --config FILE   take the k8s_events receiver settings from FILE (default: its defaults, KUBECONFIG)
`,
  'print-schema': `Usage: kspan print-schema

Prints the JSON Schema of the whole config (receivers, processors, exporters, service), for editors.
`,
};
