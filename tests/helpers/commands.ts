// Runs a command-line entry point (tools/*.ts) in a project dir with its output captured, and makes
// the throw-away project dirs it runs in.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Command, CommandContext, CommandMain, runCommand } from "../../tools/cli";
import { FIXTURE_STACKS_DIR } from "./stacks";

/** A throw-away repository root holding the given files (name -> text); the caller removes it. */
export function projectWith(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berrys-cli-"));
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    return dir;
}

/** The text of a fixture's stack file, `Pulumi.<stack>.yaml` in tests/fixtures/stacks/. */
export function fixtureStackText(stack: string): string {
    return fs.readFileSync(path.join(FIXTURE_STACKS_DIR, `Pulumi.${stack}.yaml`), "utf8");
}

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
