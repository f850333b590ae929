#!/usr/bin/env node
import { endQuietlyOnClosedOutput } from '../cli/closed-output.js';
import { main } from '../main.js';

endQuietlyOnClosedOutput();
process.exitCode = await main(process.argv.slice(2));
