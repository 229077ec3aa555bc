// Runs a command-line entry point (tools/*.ts) in a project dir with its output captured.
import { Command, CommandContext, CommandMain, runCommand } from "../../tools/cli";

export interface CommandRun {
    readonly code: number;
    readonly out: string;
    readonly err: string;
}

/** `command` with `argv` in `projectDir` (also its working directory unless `cwd`): exit code, stdout, stderr. */
export async function runCaptured(
    command: Command,
    main: CommandMain,
    argv: readonly string[],
    projectDir: string,
    options: { readonly cwd?: string; readonly npmConfig?: Readonly<Record<string, string>> } = {},
): Promise<CommandRun> {
    let out = "";
    let err = "";
    const context: CommandContext = {
        out: (text) => {
            out += text;
        },
        err: (text) => {
            err += text;
        },
        projectDir,
        cwd: options.cwd ?? projectDir,
        npmConfig: options.npmConfig,
    };
    const code = await runCommand(command, main, [...argv], context);
    return { code, out, err };
}
