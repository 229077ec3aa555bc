// formatReport's text for every fixture stack under the profiles whose reports have the most parts
// (peak: the quota at top load; spike: responses, misses and their margins; rollout: rolling
// updates), pinned by tests/simulator/report.test.ts so that a refactor of the report changes no
// word. When a change of wording is meant, regenerate them with
// `npm run pins:simulation-reports` and commit the new
// tests/fixtures/simulation-reports.json with the change that explains it.
import * as fs from "fs";
import * as path from "path";
import { profile, ProfileName } from "../../simulator/profiles";
import { formatReport } from "../../simulator/report";
import { simulate } from "../../simulator/run";
import { PROJECT_DIR } from "../../tools/stack-files";
import { fixtureStackNames } from "./simulation-hashes";
import { stackConfig } from "./stacks";

export const SIMULATION_REPORTS_FILE = path.join(PROJECT_DIR, "tests", "fixtures", "simulation-reports.json");

export const REPORTED_PROFILES: readonly ProfileName[] = ["peak", "spike", "rollout"];

/** The report `npm run simulate -- <stack> --profile <name>` prints for every service. */
export function simulationReport(stack: string, name: ProfileName): string {
    const config = stackConfig(stack);
    return formatReport(config, simulate(config, profile(name)));
}

/** Every `<stack> <profile>` pair the reports cover. */
export function reportCases(): [string, ProfileName][] {
    return fixtureStackNames().flatMap((stack) =>
        REPORTED_PROFILES.map((name) => [stack, name] as [string, ProfileName]),
    );
}

if (require.main === module) {
    const reports = Object.fromEntries(
        reportCases().map(([stack, name]) => [`${stack} ${name}`, simulationReport(stack, name).split("\n")]),
    );
    fs.writeFileSync(SIMULATION_REPORTS_FILE, `${JSON.stringify(reports, null, 4)}\n`);
    console.log(
        `wrote ${Object.keys(reports).length} reports to ${path.relative(PROJECT_DIR, SIMULATION_REPORTS_FILE)}`,
    );
}
