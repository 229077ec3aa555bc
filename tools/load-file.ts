// `--load <file>` for simulate and tune: a CSV of `seconds,load` rows or per-service columns, or a
// Prometheus `query_range` JSON response (simulator/profiles.ts has both formats).
import * as fs from "fs";
import * as path from "path";
import { csvProfile, DEFAULT_SERVICE_LABEL, LoadProfile, prometheusProfile } from "../simulator/profiles";
import { CommandContext, CommandError, displayPath, userPath } from "./cli";

/**
 * The load profile in the file the user typed (relative to where npm ran), named after the file.
 * JSON (a file that starts with `{`) is read as a Prometheus response whose series name their
 * service with `label`; anything else as CSV. Errors are CommandErrors that name the file.
 */
export function loadFileProfile(
    typed: string,
    services: readonly string[],
    options: { service?: string; label?: string },
    context: Pick<CommandContext, "cwd">,
): LoadProfile {
    const file = userPath(typed, context);
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new CommandError(
            `--load ${typed}: ${code === "ENOENT" ? `no such file (looked for ${file})` : (error as Error).message}`,
        );
    }
    const name = path.basename(file, path.extname(file));
    try {
        return text.trimStart().startsWith("{")
            ? prometheusProfile(text, services, options.label ?? DEFAULT_SERVICE_LABEL, name)
            : csvProfile(text, services, options.service, name);
    } catch (error) {
        throw new CommandError(`--load ${displayPath(file, context)}: ${(error as Error).message}`);
    }
}
