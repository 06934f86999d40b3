#!/usr/bin/env node
// Thin shim: all behaviour lives in src/cli (compiled to dist/ by `npm run build`).
import { main } from '../dist/cli/main.js';

main(process.argv).then((code) => {
  process.exitCode = code;
});
