// simulate()'s result for every load profile on every fixture stack, as a SHA-256 of its JSON: the
// refactors of the simulator must leave every hash as it is (tests/simulator/run.test.ts).
// When a change of behaviour is meant, regenerate them with `npm run pins:simulation` and commit the
// new tests/fixtures/simulation-hashes.json with the change that explains it.
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { profile, PROFILE_NAMES } from "../../simulator/profiles";
import { simulate } from "../../simulator/run";
import { PROJECT_DIR } from "../../tools/stack-files";
import { FIXTURE_STACKS_DIR, stackConfig } from "./stacks";

export const SIMULATION_HASHES_FILE = path.join(PROJECT_DIR, "tests", "fixtures", "simulation-hashes.json");

/** The fixture stacks, by the name in `Pulumi.<name>.yaml`. */
export function fixtureStackNames(): string[] {
    return fs
        .readdirSync(FIXTURE_STACKS_DIR)
        .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
        .filter((name): name is string => name !== undefined)
        .sort();
}

/** `<stack> <profile>` -> sha256 of `JSON.stringify(simulate(stack, profile))`. */
export function simulationHash(stack: string, profileName: (typeof PROFILE_NAMES)[number]): string {
    const result = simulate(stackConfig(stack), profile(profileName));
    return createHash("sha256").update(JSON.stringify(result)).digest("hex");
}

/** Every `<stack> <profile>` pair the hashes cover. */
export function simulationCases(): [string, (typeof PROFILE_NAMES)[number]][] {
    return fixtureStackNames().flatMap((stack) => PROFILE_NAMES.map((name) => [stack, name] as [string, typeof name]));
}

if (require.main === module) {
    const hashes = Object.fromEntries(
        simulationCases().map(([stack, name]) => [`${stack} ${name}`, simulationHash(stack, name)]),
    );
    fs.writeFileSync(SIMULATION_HASHES_FILE, `${JSON.stringify(hashes, null, 4)}\n`);
    console.log(`wrote ${Object.keys(hashes).length} hashes to ${path.relative(PROJECT_DIR, SIMULATION_HASHES_FILE)}`);
}
