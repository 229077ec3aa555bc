// What every command-line tool (render, simulate, bench, ...) shares, so that they behave alike:
//   --help / -h        usage on stdout, exit 0
//   a usage mistake    one line on stderr naming the valid values, exit 2 (UsageError)
//   a failed run       the message on stderr, no stack trace, exit 1 (CommandError)
//   anything else      a bug: the stack trace, exit 1
// A command declares its positionals and options once (`Command`); `runCommand` parses argv,
// prints usage and maps errors to exit codes. A command's main writes through the
// `CommandContext` it is given (the tests run commands in-process with their own), and resolves
// paths the user types against the directory npm was run from (`userPath`), not the repository
// root npm switches to.
import * as fs from "fs";
import * as path from "path";

/** The repository root, where Pulumi.yaml and the stack files live. */
export const PROJECT_DIR = path.resolve(__dirname, "..");

/** Where a command runs: its output streams, the repository it works on, and the user's directory. */
export interface CommandContext {
    readonly out: (text: string) => void;
    readonly err: (text: string) => void;
    /** The repository root: the stack files are read from here and out/ is written here. */
    readonly projectDir: string;
    /** The directory the user ran npm from (npm's INIT_CWD): relative paths they type resolve here. */
    readonly cwd: string;
    /**
     * The `npm_config_*` variables npm exported, by name: npm keeps a flag given before `--` for
     * itself and exports it as `npm_config_<name>`, so the command never sees it in argv.
     */
    readonly npmConfig?: Readonly<Record<string, string>>;
}

/** The process's own context: stdout, stderr, the repository of this checkout, npm's INIT_CWD. */
export function processContext(projectDir = PROJECT_DIR): CommandContext {
    return {
        out: (text) => process.stdout.write(text),
        err: (text) => process.stderr.write(text),
        projectDir,
        cwd: process.env.INIT_CWD ?? process.cwd(),
        npmConfig: Object.fromEntries(
            Object.entries(process.env).filter(
                (entry): entry is [string, string] => entry[0].startsWith("npm_config_") && entry[1] !== undefined,
            ),
        ),
    };
}

/** A `--name` option: with `value` it takes one (`--profile spike` or `--profile=spike`), without it is a switch. */
export interface OptionSpec {
    readonly name: string;
    /** What the value is, in the usage line (`P`, `file.csv`); absent for a switch. */
    readonly value?: string;
    readonly help: string;
    /** The only values allowed, if the set is closed (checked by `parseArgs`). */
    readonly choices?: readonly string[];
}

export interface PositionalSpec {
    readonly name: string;
    readonly help: string;
    /** The only values allowed; a function when they depend on the repository (the stacks). */
    readonly choices?: readonly string[] | ((context: CommandContext) => readonly string[]);
    /** What the choices are called in messages ("stacks"); default `<name>s`. */
    readonly choicesName?: string;
    readonly optional?: boolean;
}

export interface Command {
    /** The npm script: `npm run <name> -- ...`. */
    readonly name: string;
    /** One sentence: what the command does. */
    readonly summary: string;
    readonly positionals: readonly PositionalSpec[];
    readonly options: readonly OptionSpec[];
    /** More text for --help (what it writes, exit codes). */
    readonly details?: string;
}

export interface ParsedArgs {
    readonly positionals: Readonly<Record<string, string | undefined>>;
    /** By option name without the dashes; a switch is `true` when given. */
    readonly options: Readonly<Record<string, string | true | undefined>>;
}

/** The user asked for something the command does not take: exit 2 with one line. */
export class UsageError extends Error {}

/** The command ran and failed for a reason the message explains (bad config, a missing file): exit 1, no stack trace. */
export class CommandError extends Error {}

export const EXIT_USAGE = 2;

/** The usage text `--help` prints. */
export function usage(command: Command, context?: CommandContext): string {
    const positionals = command.positionals.map((spec) =>
        spec.optional === true ? `[<${spec.name}>]` : `<${spec.name}>`,
    );
    const lines = [
        `usage: npm run ${command.name} -- ${[...positionals, ...(command.options.length > 0 ? ["[options]"] : [])].join(" ")}`.trimEnd(),
        "",
        command.summary,
    ];
    const rows: [string, string][] = [
        ...command.positionals.map((spec): [string, string] => [
            `<${spec.name}>`,
            spec.help + choicesText(positionalChoices(spec, context)),
        ]),
        ...command.options.map((spec): [string, string] => [
            spec.value !== undefined ? `${spec.name} ${spec.value}` : spec.name,
            spec.help + choicesText(spec.choices),
        ]),
        ["--help, -h", "print this help and exit"],
    ];
    const width = Math.max(...rows.map(([left]) => left.length));
    // Help that runs over several lines continues under its first line.
    lines.push(
        "",
        ...rows.map(
            ([left, right]) => `  ${left.padEnd(width)}  ${right.split("\n").join(`\n${" ".repeat(width + 4)}`)}`,
        ),
    );
    if (command.details !== undefined) lines.push("", command.details);
    return lines.join("\n");
}

function positionalChoices(spec: PositionalSpec, context: CommandContext | undefined): readonly string[] | undefined {
    return typeof spec.choices === "function"
        ? context !== undefined
            ? spec.choices(context)
            : undefined
        : spec.choices;
}

function choicesText(choices: readonly string[] | undefined): string {
    return choices === undefined ? "" : ` (${choices.join(", ")})`;
}

/** True when argv asks for help: `--help` or `-h` anywhere before a `--`. */
export function wantsHelp(argv: readonly string[]): boolean {
    const end = argv.indexOf("--");
    return (end === -1 ? argv : argv.slice(0, end)).some((arg) => arg === "--help" || arg === "-h");
}

/**
 * The command's own options npm kept for itself: `npm run simulate production --check` runs the
 * command without `--check` and exports `npm_config_check=true` (npm exports a flag it does not
 * know too). Only the command's option names count: npm always exports many config variables of
 * its own. An option also present in argv was passed through (its variable comes from an .npmrc).
 */
export function swallowedOptions(
    command: Command,
    argv: readonly string[],
    npmConfig: Readonly<Record<string, string>>,
): string[] {
    const given = new Set(argv.map((arg) => arg.split("=")[0]));
    return command.options
        .map((spec) => spec.name)
        .filter(
            (name) =>
                !given.has(name) && npmConfig[`npm_config_${name.replace(/^-+/, "").replace(/-/g, "_")}`] !== undefined,
        );
}

/** Parses argv against the command's spec; throws UsageError on anything it does not declare. */
export function parseArgs(command: Command, argv: readonly string[], context?: CommandContext): ParsedArgs {
    const positionals: Record<string, string | undefined> = {};
    const options: Record<string, string | true | undefined> = {};
    const given: string[] = [];
    let onlyPositionals = false;
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (!onlyPositionals && arg === "--") {
            onlyPositionals = true;
            continue;
        }
        if (!onlyPositionals && arg.startsWith("-") && arg !== "-") {
            const [flag, inline] = arg.includes("=")
                ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
                : [arg, undefined];
            const spec = command.options.find((candidate) => candidate.name === flag);
            if (spec === undefined) {
                const known = command.options.map((candidate) => candidate.name);
                throw new UsageError(
                    `unknown option ${flag}; ${known.length > 0 ? `options: ${[...known, "--help"].join(", ")}` : "it takes only --help"}`,
                );
            }
            const key = flag.replace(/^-+/, "");
            if (key in options) throw new UsageError(`${flag} is given twice; give it once`);
            if (spec.value === undefined) {
                if (inline !== undefined) throw new UsageError(`${flag} takes no value (got ${flag}=${inline})`);
                options[key] = true;
                continue;
            }
            const value = inline ?? argv[i + 1];
            if (inline === undefined) i++;
            if (value === undefined || value === "" || (inline === undefined && value.startsWith("--"))) {
                throw new UsageError(`${flag} needs a value: ${flag} ${spec.value}${choicesText(spec.choices)}`);
            }
            if (spec.choices !== undefined && !spec.choices.includes(value)) {
                throw new UsageError(
                    `unknown ${key} ${JSON.stringify(value)} for ${flag}; ${key}s: ${spec.choices.join(", ")}`,
                );
            }
            options[key] = value;
            continue;
        }
        given.push(arg);
    }
    if (given.length > command.positionals.length) {
        const extra = given.slice(command.positionals.length);
        throw new UsageError(
            `unexpected argument${extra.length === 1 ? "" : "s"} ${extra.join(" ")}; usage: ${usage(command)
                .split("\n")[0]
                .replace(/^usage: /, "")}`,
        );
    }
    command.positionals.forEach((spec, index) => {
        const value = given[index];
        const allowed = positionalChoices(spec, context);
        const choices = allowed !== undefined ? `; ${spec.choicesName ?? `${spec.name}s`}: ${allowed.join(", ")}` : "";
        if (value === undefined) {
            if (spec.optional !== true)
                throw new UsageError(`missing <${spec.name}>: npm run ${command.name} -- <${spec.name}>${choices}`);
            return;
        }
        if (allowed !== undefined && !allowed.includes(value)) {
            throw new UsageError(`unknown ${spec.name} ${JSON.stringify(value)}${choices}`);
        }
        positionals[spec.name] = value;
    });
    return { positionals, options };
}

/** A command's body: returns the exit code; throws UsageError or CommandError for the user's mistakes. */
export type CommandMain = (args: ParsedArgs, context: CommandContext) => number | Promise<number>;

/**
 * Runs a command: help, usage errors (exit 2) and failed runs (exit 1) print their message only,
 * without a stack trace. Resolves to the exit code.
 */
export async function runCommand(
    command: Command,
    main: CommandMain,
    argv: readonly string[],
    context: CommandContext,
): Promise<number> {
    if (wantsHelp(argv)) {
        context.out(`${usage(command, context)}\n`);
        return 0;
    }
    try {
        const swallowed = swallowedOptions(command, argv, context.npmConfig ?? {});
        if (swallowed.length > 0) {
            throw new UsageError(
                `npm took ${swallowed.join(", ")} for its own option${swallowed.length === 1 ? "" : "s"} and did not pass ` +
                    `${swallowed.length === 1 ? "it" : "them"} on; put -- before the command's arguments: ${usage(
                        command,
                    )
                        .split("\n")[0]
                        .replace(/^usage: /, "")}`,
            );
        }
        return await main(parseArgs(command, argv, context), context);
    } catch (error) {
        if (error instanceof UsageError) {
            context.err(`npm run ${command.name}: ${error.message} (--help for usage)\n`);
            return EXIT_USAGE;
        }
        if (error instanceof CommandError) {
            context.err(`${error.message}\n`);
            return 1;
        }
        context.err(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
        return 1;
    }
}

/** Runs a command as the process (`if (require.main === module)`): sets the exit code rather than exiting, so output is flushed. */
export function runAsProcess(command: Command, main: CommandMain): void {
    void runCommand(command, main, process.argv.slice(2), processContext()).then((code) => {
        process.exitCode = code;
    });
}

/** A path the user typed, resolved against the directory they ran npm from. */
export function userPath(typed: string, context: Pick<CommandContext, "cwd">): string {
    return path.resolve(context.cwd, typed);
}

/** A path to show the user: relative to where they ran npm from, unless that climbs out further than the path is long. */
export function displayPath(file: string, context: Pick<CommandContext, "cwd">): string {
    const relative = path.relative(context.cwd, file);
    return relative !== "" && relative.length < file.length ? relative : file;
}

/**
 * Removes what an earlier run of a command wrote, so that after a failed run no result of the old
 * config looks current; returns a sentence saying what went, or "" when there was nothing.
 */
export function removeStaleResults(
    dir: string,
    files: readonly string[],
    command: string,
    context: CommandContext,
): string {
    const removed = files.filter((file) => fs.existsSync(path.join(dir, file)));
    for (const file of removed) fs.rmSync(path.join(dir, file), { recursive: true, force: true });
    return removed.length === 0
        ? ""
        : `removed ${removed.map((file) => displayPath(path.join(dir, file), context)).join(", ")}: an earlier ${command}'s results, which no longer match the stack file`;
}
