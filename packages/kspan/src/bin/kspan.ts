#!/usr/bin/env node
import {
  endQuietlyOnClosedOutput,
  endQuietlyWhenExporterSeesClosedStdout,
} from '../cli/closed-output.js';
import { main, runsExporters } from '../main.js';

const argv = process.argv.slice(2);
endQuietlyOnClosedOutput();
if (runsExporters(argv)) await endQuietlyWhenExporterSeesClosedStdout();
process.exitCode = await main(argv);
