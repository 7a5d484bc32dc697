/**
 * Enough of the Dockerfile grammar for the image checks: parser directives and comments
 * dropped, backslash continuations joined, instructions grouped by build stage.
 */
export interface Instruction {
  keyword: string;
  args: string;
  /** COPY/ADD flags such as --from=build. */
  flags: Record<string, string>;
}

export interface Stage {
  base: string;
  name?: string;
  instructions: Instruction[];
}

export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const line of logicalLines(text)) {
    const [, keyword, rest] = /^(\S+)\s*(.*)$/s.exec(line)!;
    const { flags, args } = splitFlags(rest);
    const instruction = { keyword: keyword.toUpperCase(), args, flags };
    if (instruction.keyword === 'FROM') {
      const [, base, name] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args) ?? [];
      stages.push({ base, name, instructions: [] });
    } else if (stages.length === 0) {
      if (instruction.keyword !== 'ARG') throw new Error(`${keyword} before the first FROM`);
    } else {
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return stages;
}

/** The JSON array of an exec-form CMD/ENTRYPOINT, or undefined for the shell form. */
export function execForm(instruction: Instruction): string[] | undefined {
  if (!instruction.args.startsWith('[')) return undefined;
  const parsed: unknown = JSON.parse(instruction.args);
  return Array.isArray(parsed) && parsed.every((w) => typeof w === 'string') ? parsed : undefined;
}

/** The shell commands of a RUN, split at `&&`, `;` and `||`. */
export function shellCommands(instruction: Instruction): string[][] {
  return instruction.args
    .split(/&&|\|\||;/)
    .map((command) => command.trim().split(/\s+/).filter(Boolean))
    .filter((words) => words.length > 0);
}

function logicalLines(text: string): string[] {
  const lines: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    // Comments (and parser directives, which look like comments) may sit inside a continuation.
    if (line.startsWith('#') || (line === '' && pending === '')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trimEnd()} `;
      continue;
    }
    lines.push(`${pending}${line}`.trim());
    pending = '';
  }
  if (pending) lines.push(pending.trim());
  return lines.filter(Boolean);
}

function splitFlags(rest: string): { flags: Record<string, string>; args: string } {
  const flags: Record<string, string> = {};
  let args = rest;
  for (let match = /^--([\w-]+)=(\S+)\s+/.exec(args); match;) {
    flags[match[1]] = match[2];
    args = args.slice(match[0].length);
    match = /^--([\w-]+)=(\S+)\s+/.exec(args);
  }
  return { flags, args: args.trim() };
}
