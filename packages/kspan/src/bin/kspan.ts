#!/usr/bin/env node
import {
  endQuietlyOnClosedOutput,
  endQuietlyWhenExporterSeesClosedStdout,
} from '../cli/closed-output.js';
import { main, runsACommand } from '../main.js';

const argv = process.argv.slice(2);
endQuietlyOnClosedOutput();
if (runsACommand(argv)) await endQuietlyWhenExporterSeesClosedStdout();
process.exitCode = await main(argv);
