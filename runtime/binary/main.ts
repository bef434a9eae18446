// Entry of the single-file executable (scripts/build-binary.ts): the same CLI as bin/smallcode.js.
import { main } from '../cli/main.js';

void main(process.argv.slice(2));
