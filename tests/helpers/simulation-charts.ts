// serviceChartSvg's SVG of every service of every fixture stack under the profiles whose charts
// have the most parts (peak: quota spans; spike: node waits and the responseSeconds limit;
// rollout: rolling update starts; day: hours on the time axis), as a SHA-256 each, pinned by
// tests/simulator/svg.test.ts so that a refactor of the chart changes no byte. When a change of the
// chart is meant, regenerate them with `npm run pins:simulation-charts`
// and commit the new tests/fixtures/simulation-charts.json with the change that explains it.
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { profile, ProfileName } from "../../simulator/profiles";
import { simulate } from "../../simulator/run";
import { chartOptions, serviceChartSvg } from "../../simulator/svg";
import { PROJECT_DIR } from "../../tools/stack-files";
import { fixtureStackNames } from "./simulation-hashes";
import { stackConfig } from "./stacks";

export const SIMULATION_CHARTS_FILE = path.join(PROJECT_DIR, "tests", "fixtures", "simulation-charts.json");

const CHARTED_PROFILES: readonly ProfileName[] = ["peak", "spike", "rollout", "day"];

/** `<stack> <profile> <service>` -> sha256 of the chart `npm run simulate` writes for it. */
export function chartHashes(stack: string, name: ProfileName): Record<string, string> {
    const config = stackConfig(stack);
    const result = simulate(config, profile(name));
    const options = chartOptions(config, name);
    return Object.fromEntries(
        result.services.map((run) => [
            `${stack} ${name} ${run.model.name}`,
            createHash("sha256")
                .update(serviceChartSvg(result, run, options))
                .digest("hex"),
        ]),
    );
}

/** Every `<stack> <profile>` pair the charts cover. */
export function chartCases(): [string, ProfileName][] {
    return fixtureStackNames().flatMap((stack) =>
        CHARTED_PROFILES.map((name) => [stack, name] as [string, ProfileName]),
    );
}

if (require.main === module) {
    const hashes = Object.assign({}, ...chartCases().map(([stack, name]) => chartHashes(stack, name)));
    fs.writeFileSync(SIMULATION_CHARTS_FILE, `${JSON.stringify(hashes, null, 4)}\n`);
    console.log(
        `wrote ${Object.keys(hashes).length} chart hashes to ${path.relative(PROJECT_DIR, SIMULATION_CHARTS_FILE)}`,
    );
}
