import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { CaptureDecoder, parseCapture } from '../../src/capture/decoder.js';
import { formatCaptureLine } from '../../src/capture/format.js';
import { eventTimeOf, observedTimeOf } from '../../src/capture/normalize.js';
import { conformanceCases, coreEvent, kspanCasesDir } from '../helpers.js';

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', uid: 'd1', resourceVersion: '10' },
};

describe('parseCapture', () => {
  describe('capture format (NDJSON)', () => {
    it('reads watch events with and without observedAt', () => {
      const e1 = coreEvent('e1', 'Scheduled', '2024-01-01T00:00:01Z');
      const text = [
        JSON.stringify({ type: 'ADDED', object: deployment }),
        JSON.stringify({ type: 'MODIFIED', object: e1, observedAt: '2024-01-01T00:00:01.5Z' }),
        '',
        JSON.stringify({ type: 'DELETED', object: deployment }),
      ].join('\n');
      const { items, problems, format } = parseCapture(text);
      expect(format).to.equal('ndjson');
      expect(problems).to.deep.equal([]);
      expect(items).to.deep.equal([
        { type: 'ADDED', object: deployment },
        { type: 'MODIFIED', object: e1, observedAt: '2024-01-01T00:00:01.5Z' },
        { type: 'DELETED', object: deployment },
      ]);
    });

    it('reports malformed lines with their line numbers and keeps the rest', () => {
      const good = JSON.stringify({ type: 'ADDED', object: deployment });
      const text = [
        good,
        '{"type": "ADDED", "object": {"kind": "Pod"', // truncated
        good,
        JSON.stringify({ type: 'UPSERTED', object: deployment }),
        JSON.stringify({ type: 'ADDED', object: deployment, observedAt: 'yesterday' }),
        JSON.stringify({ type: 'ADDED', object: 'nope' }),
        '42',
        JSON.stringify({ hello: 'world' }),
        JSON.stringify({ type: 'BOOKMARK', object: { kind: 'Event', metadata: {} } }),
        JSON.stringify({ type: 'ERROR', object: { kind: 'Status', message: 'too old' } }),
        good,
      ].join('\n');
      const { items, problems } = parseCapture(text + '\n');
      expect(items).to.have.length(3);
      expect(problems.map((p) => p.line)).to.deep.equal([2, 4, 5, 6, 7, 8, 10]);
      expect(problems[0]!.message).to.match(/^invalid JSON/);
      expect(problems[1]!.message).to.contain('unknown watch event type "UPSERTED"');
      expect(problems[2]!.message).to.contain('observedAt');
      expect(problems[3]!.message).to.contain('"object" is not a JSON object');
      expect(problems[4]!.message).to.contain('expected a JSON object, got number');
      expect(problems[5]!.message).to.contain('neither a watch event');
      expect(problems[6]!.message).to.equal('watch ERROR event: too old');
    });

    it('splits several compact values on one line', () => {
      const one = JSON.stringify({ type: 'ADDED', object: deployment });
      const { items, problems } = parseCapture(`${one}${one}\n${one} ${one}`);
      expect(problems).to.deep.equal([]);
      expect(items).to.have.length(4);
    });

    it('round-trips formatCaptureLine', () => {
      const evs = [
        {
          type: 'ADDED' as const,
          object: coreEvent('x', 'Pulled', '2024-01-01T00:00:00Z'),
          observedAt: '2024-01-01T00:00:00.123Z',
        },
        { type: 'DELETED' as const, object: deployment },
      ];
      const text = evs.map(formatCaptureLine).join('\n') + '\n';
      expect(parseCapture(text)).to.deep.equal({ items: evs, problems: [], format: 'ndjson' });
      expect(formatCaptureLine(evs[0]!)).to.match(
        /^\{"type":"ADDED","object":\{.*\},"observedAt":"[^"]+"\}$/,
      );
      expect(formatCaptureLine(evs[1]!)).not.to.contain('observedAt');
    });
  });

  describe('kubectl get -o json (a List)', () => {
    it('turns each item of a List into an ADDED event', () => {
      const list = {
        apiVersion: 'v1',
        kind: 'List',
        items: [coreEvent('a', 'Scheduled', '2024-01-01T00:00:00Z'), deployment],
        metadata: { resourceVersion: '' },
      };
      const { items, problems, format } = parseCapture(JSON.stringify(list, null, 4));
      expect(format).to.equal('concatenated');
      expect(problems).to.deep.equal([]);
      expect(items.map((i) => [i.type, i.object.kind])).to.deep.equal([
        ['ADDED', 'Event'],
        ['ADDED', 'Deployment'],
      ]);
    });

    it('fills kind and apiVersion of the items of a typed list (EventList)', () => {
      const ev = coreEvent('a', 'Scheduled', '2024-01-01T00:00:00Z');
      delete ev.kind;
      delete ev.apiVersion;
      const list = {
        apiVersion: 'events.k8s.io/v1',
        kind: 'EventList',
        metadata: {},
        items: [ev, 7],
      };
      const { items, problems } = parseCapture(JSON.stringify(list, null, 2));
      expect(items).to.have.length(1);
      expect(items[0]!.object.kind).to.equal('Event');
      expect(items[0]!.object.apiVersion).to.equal('events.k8s.io/v1');
      expect(problems).to.deep.equal([{ line: 1, message: 'items[1]: expected a JSON object' }]);
    });

    it('reads a List written on one line (jq -c)', () => {
      const list = { apiVersion: 'v1', kind: 'List', items: [deployment, deployment] };
      const { items, problems, format } = parseCapture(JSON.stringify(list));
      expect(format).to.equal('ndjson');
      expect(problems).to.deep.equal([]);
      expect(items).to.have.length(2);
    });
  });

  describe('kubectl get -o json --watch (concatenated pretty JSON)', () => {
    it('turns each bare object into ADDED and keeps watch events as they are', () => {
      const e1 = coreEvent('e1', 'Scheduled', '2024-01-01T00:00:00Z');
      const text =
        JSON.stringify(e1, null, 4) +
        '\n' +
        JSON.stringify(
          { type: 'MODIFIED', object: { ...e1, message: 'has } and { and "' } },
          null,
          4,
        ) +
        '\n' +
        JSON.stringify({ type: 'DELETED', object: e1 }, null, 4) +
        '\n';
      const { items, problems, format } = parseCapture(text);
      expect(format).to.equal('concatenated');
      expect(problems).to.deep.equal([]);
      expect(items.map((i) => i.type)).to.deep.equal(['ADDED', 'MODIFIED', 'DELETED']);
      expect(items[1]!.object.message).to.equal('has } and { and "');
    });

    it('reports a malformed object at the line it starts on and goes on', () => {
      const obj = JSON.stringify(deployment, null, 2); // 9 lines
      const bad = '{\n  "kind": "Pod",\n  "metadata": {,}\n}';
      const text = `${obj}\n${bad}\n${obj}\n`;
      const { items, problems } = parseCapture(text);
      expect(items).to.have.length(2);
      expect(problems).to.have.length(1);
      expect(problems[0]!.line).to.equal(obj.split('\n').length + 1);
      expect(problems[0]!.message).to.match(/^invalid JSON/);
    });

    it('reports an unterminated last object', () => {
      const obj = JSON.stringify(deployment, null, 2);
      const { items, problems } = parseCapture(`${obj}\n{\n  "kind": "Pod",\n`);
      expect(items).to.have.length(1);
      expect(problems).to.deep.equal([
        { line: obj.split('\n').length + 1, message: 'unterminated JSON value at end of input' },
      ]);
    });

    it('gives the same result however the input is chunked', () => {
      const text =
        JSON.stringify({ type: 'ADDED', object: deployment }, null, 2) +
        '\n' +
        JSON.stringify(deployment, null, 2);
      const whole = parseCapture(text);
      for (const size of [1, 2, 3, 7, 64]) {
        const d = new CaptureDecoder();
        const out = [];
        for (let i = 0; i < text.length; i += size) out.push(...d.push(text.slice(i, i + size)));
        out.push(...d.end());
        expect(
          out.filter((x) => 'event' in x).map((x) => ('event' in x ? x.event : null)),
        ).to.deep.equal(whole.items);
      }
    });
  });

  it('reads an empty input as nothing', () => {
    expect(parseCapture('')).to.deep.equal({ items: [], problems: [], format: 'ndjson' });
    expect(parseCapture('\n  \n')).to.deep.equal({ items: [], problems: [], format: 'ndjson' });
  });

  describe('event time', () => {
    it("takes core's one rule: series.lastObservedTime, lastTimestamp, eventTime, creationTimestamp", () => {
      const base = { kind: 'Event', metadata: { creationTimestamp: '2024-01-01T00:00:04Z' } };
      expect(eventTimeOf({ ...base })).to.equal(Date.parse('2024-01-01T00:00:04Z'));
      expect(eventTimeOf({ ...base, eventTime: '2024-01-01T00:00:02.123456Z' })).to.equal(
        Date.parse('2024-01-01T00:00:02.123Z'),
      );
      // A series' latest occurrence wins over the Event's first time (as the span's time does).
      expect(
        eventTimeOf({
          ...base,
          eventTime: '2024-01-01T00:00:02.123456Z',
          series: { lastObservedTime: '2024-01-01T00:00:03Z' },
        }),
      ).to.equal(Date.parse('2024-01-01T00:00:03Z'));
      expect(
        eventTimeOf({ ...base, lastTimestamp: '2024-01-01T00:00:01Z', eventTime: null }),
      ).to.equal(Date.parse('2024-01-01T00:00:01Z'));
      expect(eventTimeOf({ kind: 'Pod', metadata: base.metadata })).to.equal(undefined);
    });

    it('prefers observedAt', () => {
      const object = coreEvent('a', 'X', '2024-01-01T00:00:01Z');
      expect(
        observedTimeOf({ type: 'ADDED', object, observedAt: '2024-01-01T00:00:09.640117041Z' }),
      ).to.equal(Date.parse('2024-01-01T00:00:09.640Z'));
      expect(observedTimeOf({ type: 'ADDED', object })).to.equal(
        Date.parse('2024-01-01T00:00:01Z'),
      );
    });
  });
});

describe('conformance captures', () => {
  const cases = conformanceCases();
  it(`finds the five cases in ${kspanCasesDir()}`, () => {
    expect(cases.map((c) => c.name)).to.have.length(5);
  });
  for (const c of cases) {
    it(`${c.name} parses with zero problems`, () => {
      const text = readFileSync(c.capture, 'utf8');
      const { items, problems, format } = parseCapture(text);
      expect(problems).to.deep.equal([]);
      expect(format).to.equal('ndjson');
      expect(items).to.have.length(text.split('\n').filter((l) => l.trim() !== '').length);
      for (const it of items)
        expect(observedTimeOf(it) !== undefined || it.object.kind !== 'Event').to.equal(true);
    });
  }
});
