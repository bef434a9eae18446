// npm run bench:smoke -- [--sim | --endpoint] [--fault-rate 0.3] [--kit off] … (--help for all options)
import { suiteMain } from './harness/cli.js';

process.exitCode = await suiteMain('smoke');
