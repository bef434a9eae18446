// A plugin's slash commands: `/hello [name]` in the terminal. `run` may print, or return text.
export const commands = [
  {
    name: 'hello',
    args: '[name]',
    help: 'say hello from the example plugin',
    run(args, { root, print }) {
      print(`Hello, ${args[0] ?? 'you'}, from the hello plugin in ${root}.`);
    },
  },
];
