// The command-line tools as a user meets them: --help, one-line usage errors with exit 2, YAML
// errors with file:line:column, paths relative to where npm was run. The commands run in-process
// (runCommand with a context that captures their output), so no process start-up per case.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BENCH, benchMain } from "../../tools/bench";
import {
    Command,
    CommandContext,
    CommandMain,
    EXIT_USAGE,
    parseArgs,
    swallowedOptions,
    UsageError,
    userPath,
} from "../../tools/cli";
import { RENDER, renderMain } from "../../tools/render";
import { SIMULATE, simulateMain } from "../../tools/simulate";
import { stackArgument } from "../../tools/stack-files";
import { CommandRun, fixtureStackText, projectWith, runCaptured } from "../helpers/commands";

type Captured = CommandRun;

/** Runs a command in-process against `projectDir` (default: a copy of the fixture stacks production and staging), the user in `cwd`. */
function run(
    command: Command,
    main: CommandMain,
    argv: string[],
    dirs: { projectDir?: string; cwd?: string; npmConfig?: Record<string, string> } = {},
): Promise<Captured> {
    const projectDir = dirs.projectDir ?? fixtureProject();
    return runCaptured(command, main, argv, projectDir, { cwd: dirs.cwd ?? projectDir, npmConfig: dirs.npmConfig });
}

const COMMANDS: [string, Command, CommandMain][] = [
    ["render", RENDER, renderMain],
    ["simulate", SIMULATE, simulateMain],
    ["bench", BENCH, benchMain],
];

const PRODUCTION = fixtureStackText("production");
const STAGING = fixtureStackText("staging");

let defaultProject: string | undefined;
/** The repository root the commands see by default: the production and staging fixtures, nothing else. */
function fixtureProject(): string {
    defaultProject ??= projectWith({ "Pulumi.production.yaml": PRODUCTION, "Pulumi.staging.yaml": STAGING });
    return defaultProject;
}
after(() => {
    if (defaultProject !== undefined) fs.rmSync(defaultProject, { recursive: true, force: true });
});

describe("command-line tools: --help and usage mistakes", () => {
    for (const [name, command, main] of COMMANDS) {
        it(`${name} --help prints the usage on stdout and exits 0`, async () => {
            for (const argv of [["--help"], ["-h"], ["production", "--help"]]) {
                const result = await run(command, main, argv);
                assert.equal(result.code, 0, result.err);
                assert.equal(result.err, "");
                assert.match(result.out, new RegExp(`^usage: npm run ${name} -- `));
                for (const option of command.options)
                    assert.ok(result.out.includes(option.name), `${option.name} missing from\n${result.out}`);
                assert.match(result.out, /production, staging/);
            }
        });

        it(`${name}: an unknown stack is one line naming the stacks, exit 2`, async () => {
            const result = await run(command, main, ["prod"]);
            assert.equal(result.code, EXIT_USAGE);
            assert.equal(result.out, "");
            assert.equal(
                result.err,
                `npm run ${name}: unknown stack "prod"; stacks: production, staging (--help for usage)\n`,
            );
        });

        it(`${name}: an unknown option is one line naming the options, exit 2`, async () => {
            const result = await run(command, main, ["staging", "--verbose"]);
            assert.equal(result.code, EXIT_USAGE);
            assert.match(result.err, /^npm run \w+: unknown option --verbose; .*--help.* \(--help for usage\)\n$/);
            assert.doesNotMatch(result.err, /\n./, "more than one line");
        });
    }

    it("simulate: an unknown profile and an unknown service name the valid ones, exit 2", async () => {
        const profile = await run(SIMULATE, simulateMain, ["staging", "--profile", "burst"]);
        assert.equal(profile.code, EXIT_USAGE);
        assert.equal(
            profile.err,
            'npm run simulate: unknown profile "burst" for --profile; profiles: ramp, peak, spike, oscillating, day, rollout (--help for usage)\n',
        );
        const service = await run(SIMULATE, simulateMain, ["staging", "--service", "gateway"]);
        assert.equal(service.code, EXIT_USAGE);
        assert.equal(
            service.err,
            'npm run simulate: unknown service "gateway" for --service; services of staging: ' +
                "agent-orchestrator, model-orchestration, api-gateway, web-dashboard (--help for usage)\n",
        );
    });

    it("simulate: --profile and --load together, or an option without its value, exit 2", async () => {
        const both = await run(SIMULATE, simulateMain, ["staging", "--profile", "spike", "--load", "x.csv"]);
        assert.equal(both.code, EXIT_USAGE);
        assert.match(both.err, /give --profile or --load, not both/);
        const bare = await run(SIMULATE, simulateMain, ["staging", "--profile"]);
        assert.equal(bare.code, EXIT_USAGE);
        assert.match(bare.err, /--profile needs a value: --profile P \(ramp, peak, spike, oscillating, day, rollout\)/);
    });
});

describe("command-line tools: a flag npm kept for itself (given without --)", () => {
    // What npm always exports, whatever the command line: never taken for a swallowed flag.
    const NPM_OWN = {
        npm_config_cache: "/home/me/.npm",
        npm_config_user_agent: "npm/11.19.1 node/v20",
        npm_config_prefix: "/usr/local",
    };

    it("npm run <script> production --check runs the script without --check and exports npm_config_check (npm 11)", function () {
        this.timeout(60_000);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berrys-npm-"));
        try {
            fs.writeFileSync(
                path.join(dir, "package.json"),
                JSON.stringify({
                    name: "npm-probe",
                    version: "1.0.0",
                    scripts: {
                        probe: 'node -e "console.log(JSON.stringify([process.argv.slice(1), process.env.npm_config_check ?? null]))"',
                    },
                }),
            );
            const result = spawnSync("npm", ["run", "--silent", "probe", "production", "--check"], {
                cwd: dir,
                encoding: "utf8",
            });
            assert.equal(result.status, 0, result.stderr);
            assert.deepEqual(JSON.parse(result.stdout.trim().split("\n").pop()!), [["production"], "true"]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("simulate production with npm_config_check set exits 2 telling to put -- first, and simulates nothing", async () => {
        const result = await run(SIMULATE, simulateMain, ["production"], {
            npmConfig: { ...NPM_OWN, npm_config_check: "true" },
        });
        assert.equal(result.code, EXIT_USAGE);
        assert.equal(result.out, "");
        assert.match(
            result.err,
            /^npm run simulate: npm took --check for its own option and did not pass it on; put -- before the command's arguments: npm run simulate -- <stack> \[options\]/,
        );
        assert.doesNotMatch(result.err, /\n./, "more than one line");
    });

    it("names every swallowed option of the command, and only the command's", () => {
        const npmConfig = {
            ...NPM_OWN,
            npm_config_profile: "true",
            npm_config_service: "api-gateway",
            npm_config_objective: "cost",
        };
        assert.deepEqual(swallowedOptions(SIMULATE, ["production", "spike"], npmConfig), ["--service", "--profile"]);
        assert.deepEqual(swallowedOptions(SIMULATE, ["production"], NPM_OWN), []);
        assert.deepEqual(swallowedOptions(RENDER, ["production"], { ...NPM_OWN, npm_config_check: "true" }), []);
    });

    it("an option passed after -- is the command's even when an .npmrc also sets its variable", () => {
        assert.deepEqual(
            swallowedOptions(SIMULATE, ["production", "--check", "--profile=spike"], {
                npm_config_check: "true",
                npm_config_profile: "spike",
            }),
            [],
        );
    });
});

describe("command-line tools: argument parsing (tools/cli.ts)", () => {
    const command: Command = {
        name: "demo",
        summary: "a demo",
        positionals: [{ name: "stack", help: "a stack", choices: ["a", "b"] }],
        options: [
            { name: "--profile", value: "P", help: "a profile", choices: ["x", "y"] },
            { name: "--check", help: "a switch" },
        ],
    };
    it("takes --option value, --option=value and switches", () => {
        assert.deepEqual(parseArgs(command, ["a", "--profile", "x", "--check"]), {
            positionals: { stack: "a" },
            options: { profile: "x", check: true },
        });
        assert.deepEqual(parseArgs(command, ["--profile=y", "b"]), {
            positionals: { stack: "b" },
            options: { profile: "y" },
        });
    });
    it("refuses what it does not declare, each with one line", () => {
        const cases: [string[], RegExp][] = [
            [[], /^missing <stack>: npm run demo -- <stack>; stacks: a, b$/],
            [["c"], /^unknown stack "c"; stacks: a, b$/],
            [["a", "b"], /^unexpected argument b; usage: npm run demo -- <stack> \[options\]$/],
            [["a", "--profile", "z"], /^unknown profile "z" for --profile; profiles: x, y$/],
            [["a", "--check=yes"], /^--check takes no value/],
            [["a", "--check", "--check"], /^--check is given twice/],
            [["a", "--profile", "--check"], /^--profile needs a value/],
        ];
        for (const [argv, message] of cases) {
            assert.throws(
                () => parseArgs(command, argv),
                (error: Error) =>
                    error instanceof UsageError && message.test(error.message) && !error.message.includes("\n"),
                argv.join(" "),
            );
        }
    });
    it("a path the user types resolves against the directory npm was run from (INIT_CWD), not the repository", () => {
        assert.equal(userPath("traffic.csv", { cwd: "/home/me/loads" }), "/home/me/loads/traffic.csv");
        assert.equal(userPath("/abs/traffic.csv", { cwd: "/home/me" }), "/abs/traffic.csv");
    });
    it("the stacks a command takes are the repository's Pulumi.<stack>.yaml files", () => {
        const dir = projectWith({ "Pulumi.dev.yaml": "config: {}\n", "Pulumi.yaml": "name: x\n" });
        try {
            assert.deepEqual(
                (stackArgument().choices as (context: CommandContext) => string[])({
                    projectDir: dir,
                } as CommandContext),
                ["dev"],
            );
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("command-line tools: a broken stack file", () => {
    it("simulate and render report a broken stack file with its line and column, exit 1, no stack trace", async () => {
        const dir = projectWith({
            "Pulumi.broken.yaml": STAGING.replace('    version: "1.34"', '    version: ["1.34"'),
        });
        try {
            for (const [name, command, main] of COMMANDS.slice(0, 2)) {
                const result = await run(command, main, ["broken"], { projectDir: dir });
                assert.equal(result.code, 1, name);
                assert.match(result.err, /^Pulumi\.broken\.yaml:\d+:\d+: /, name);
                assert.doesNotMatch(result.err, /\n\s+at /, `${name} printed a stack trace:\n${result.err}`);
            }
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("results you can trust: what each command leaves in out/<stack>/", () => {
    const BAD = STAGING.replace("      minReplicas: 1\n", "      minReplicas: 0\n");
    let dir: string;
    const out = (...parts: string[]) => path.join(dir, "out", "staging", ...parts);
    beforeEach(() => {
        dir = projectWith({ "Pulumi.staging.yaml": BAD });
        fs.mkdirSync(out("simulation"), { recursive: true });
        for (const file of [
            "kubernetes.yaml",
            "resources.json",
            "outputs.json",
            "simulation/spike.json",
            "simulation/spike-api-gateway.svg",
        ]) {
            fs.writeFileSync(out(file), "from an earlier run\n");
        }
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("a failed render removes its own earlier files for the stack, says so, and leaves simulate's alone", async () => {
        assert.notEqual(BAD, STAGING);
        const result = await run(RENDER, renderMain, ["staging"], { projectDir: dir });
        assert.equal(result.code, 1);
        assert.match(result.err, /berrys-platform:services\.web-dashboard\.minReplicas \(0\) must be >= 1/);
        assert.match(
            result.err,
            /removed out\/staging\/kubernetes\.yaml, out\/staging\/resources\.json, out\/staging\/outputs\.json: an earlier render's results, which no longer match the stack file/,
        );
        for (const file of ["kubernetes.yaml", "resources.json", "outputs.json"])
            assert.ok(!fs.existsSync(out(file)), file);
        assert.ok(fs.existsSync(out("simulation", "spike.json")));
    });

    it("a failed simulate removes the stack's earlier simulation results, says so, and leaves render's alone", async () => {
        const result = await run(SIMULATE, simulateMain, ["staging", "--profile", "spike"], { projectDir: dir });
        assert.equal(result.code, 1);
        assert.match(
            result.err,
            /^Invalid configuration \(1 problem\):\n {2}- berrys-platform:services\.web-dashboard\.minReplicas \(0\) must be >= 1/,
        );
        assert.match(result.err, /removed out\/staging\/simulation: an earlier simulate's results/);
        assert.ok(!fs.existsSync(out("simulation")));
        assert.ok(fs.existsSync(out("kubernetes.yaml")));
    });

    it("a successful render leaves simulate's results in place and ends with its summary", async () => {
        fs.writeFileSync(path.join(dir, "Pulumi.staging.yaml"), STAGING);
        const result = await run(RENDER, renderMain, ["staging"], { projectDir: dir });
        assert.equal(result.code, 0, result.err);
        assert.ok(fs.existsSync(out("simulation", "spike.json")));
        assert.notEqual(fs.readFileSync(out("kubernetes.yaml"), "utf8"), "from an earlier run\n");
        // The drain audit is printed, with the one intended pin and no other.
        assert.match(result.out, /Drain audit: the platform's pods against cluster-autoscaler 1\.34's drain rules/);
        assert.match(
            result.out,
            /Pods that keep their node \(1\):\n {2}- prometheus-kube-prometheus-stack-prometheus: .*; intended: /,
        );
        // The report ends with its summary: errors, warnings, and each file written with what it holds.
        assert.match(
            result.out,
            /\nSummary\n=+\n0 errors, \d+ warnings?[^\n]*\nwrote:\n {2}out\/staging\/kubernetes\.yaml: \d+ Kubernetes objects\n {2}out\/staging\/resources\.json: \d+ resources with their inputs\n {2}out\/staging\/outputs\.json: \d+ stack outputs\n$/,
        );
    });

    it("a simulate run replaces the profile's earlier files: a chart of a service no longer in the config goes", async () => {
        fs.writeFileSync(path.join(dir, "Pulumi.staging.yaml"), STAGING);
        fs.writeFileSync(out("simulation", "spike-retired-service.svg"), "old\n");
        fs.writeFileSync(out("simulation", "peak-api-gateway.svg"), "another profile\n");
        const result = await run(SIMULATE, simulateMain, ["staging", "--profile", "spike"], { projectDir: dir });
        assert.equal(result.code, 0, result.err);
        assert.ok(!fs.existsSync(out("simulation", "spike-retired-service.svg")));
        assert.ok(fs.existsSync(out("simulation", "spike-web-dashboard.svg")));
        assert.equal(fs.readFileSync(out("simulation", "peak-api-gateway.svg"), "utf8"), "another profile\n");
    });
});
