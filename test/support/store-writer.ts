// A child process for the store's concurrency and crash tests: opens the store in `dir` and puts
// `count` documents (forever when count is 0), printing each id once its put has returned.
import { openStore } from '../../runtime/store/index.js';

const [dir, backend, tag, countText] = process.argv.slice(2);
const store = openStore({ dir: dir!, backend: backend === 'json' ? 'json' : 'auto' });
const count = Number(countText);
const padding = 'lorem ipsum dolor sit amet '.repeat(40);
for (let i = 0; count === 0 || i < count; i++) {
  const doc = store.put({ kind: 'evidence', text: `${tag} record ${i} ${padding}`, tags: [tag!], data: { i, tag } });
  process.stdout.write(`${doc.id}\n`);
}
store.close();
