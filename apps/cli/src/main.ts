#!/usr/bin/env node
import { main } from './program.js';

// A closed pipe (`agentry agents ls | head -1`) is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
});

process.exitCode = await main(process.argv);
