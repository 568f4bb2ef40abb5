#!/usr/bin/env node
// The veil-collector bin.
import { main } from './commands';

main(process.argv.slice(2)).then((code) => {
  if (code !== 0) process.exit(code);
});
