// A plugin's tools: plain definitions (name, description, JSON-schema parameters, execute).
// SmallCode checks the arguments against `parameters` before `execute` runs.
import { readdir } from 'node:fs/promises';

export const tools = [
  {
    name: 'hello_greet',
    description: 'Greet someone by name and say how many entries the project root holds.',
    parameters: {
      type: 'object',
      properties: { name: { type: 'string', description: 'who to greet' } },
      required: ['name'],
    },
    readOnly: true,
    category: 'read',
    async execute({ name }, { root }) {
      const entries = await readdir(root);
      return { ok: true, output: `Hello, ${name}! The project root holds ${entries.length} entries.` };
    },
  },
];
