// The offline main job: `npm run render` writes what the program declares, and bad input stops
// the program before it registers anything.
import { strict as assert } from "assert";
import { standardSupportCheck } from "../../components/kubernetes-version";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import fc from "fast-check";
import * as YAML from "yaml";
import { checkCapacity } from "../../preflight";
import { PROJECT } from "../../config";
import { MockRun, PLACEHOLDER, ProgramFailed } from "../../tools/mock-engine";
import { monitoringSummary, render } from "../../tools/render";
import { mutatedRawConfig, MUTATION_KINDS } from "../capacity/arbitraries";
import { FIXTURE_STACKS_DIR, stackConfig } from "../helpers/stacks";
import { runStack } from "../helpers/program";

/** Runs the program and expects it to stop with a RunError; returns the message and what it registered. */
async function failedRun(
    stack: string,
    configOverrides: Record<string, unknown>,
): Promise<{ message: string; registered: number }> {
    try {
        await runStack(stack, { configOverrides });
    } catch (failure) {
        assert.ok(failure instanceof ProgramFailed, String(failure));
        assert.ok(pulumi.RunError.isInstance(failure.error as Error), `not a RunError: ${failure.error}`);
        return { message: failure.message, registered: failure.registered.length };
    }
    throw new Error("the program accepted the config");
}

describe("render (the offline main job)", function () {
    let run: MockRun;
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "berrys-render-"));
    before(async () => {
        run = await render("production", outDir, FIXTURE_STACKS_DIR);
    });
    after(() => fs.rmSync(outDir, { recursive: true, force: true }));

    it("writes every Kubernetes object as YAML, every resource as JSON and the outputs", () => {
        const manifests = YAML.parseAllDocuments(fs.readFileSync(path.join(outDir, "kubernetes.yaml"), "utf8")).map(
            (document) => document.toJS(),
        );
        const kinds = new Set(manifests.map((manifest) => manifest.kind));
        for (const kind of [
            "Namespace",
            "ResourceQuota",
            "LimitRange",
            "PriorityClass",
            "HorizontalPodAutoscaler",
            "PodDisruptionBudget",
            "PodMonitor",
            "PrometheusRule",
        ]) {
            assert.ok(kinds.has(kind), `${kind} missing`);
        }
        const resources = JSON.parse(fs.readFileSync(path.join(outDir, "resources.json"), "utf8")) as {
            type: string;
        }[];
        assert.equal(resources.length, run.registered.length);
        const outputs = JSON.parse(fs.readFileSync(path.join(outDir, "outputs.json"), "utf8"));
        assert.equal(outputs.clusterName, "berrys-production");
    });

    it("marks what only the cloud can assign as a placeholder", () => {
        const outputs = JSON.parse(fs.readFileSync(path.join(outDir, "outputs.json"), "utf8"));
        for (const key of ["vpcId", "clusterEndpoint", "oidcProviderArn"]) {
            assert.ok(String(outputs[key]).startsWith(PLACEHOLDER), `${key}: ${outputs[key]}`);
        }
    });

    it("shows the PrometheusRule and the dashboard's panels", () => {
        const summary = monitoringSummary(run.registered);
        assert.match(summary, /# PrometheusRule monitoring\/berrys-scaling/);
        assert.match(summary, /# Grafana dashboard ".*" \(uid berrys-scaling-berrys-production\)/);
        assert.match(summary, /## agent-orchestrator/);
    });

    it("logs production's placeholder and capacity warnings once each at preview, and staging only its placeholder", async () => {
        // Both stack files ship an RFC 5737 documentation range in cluster.publicAccessCidrs: render
        // runs them as they are, and preview names the key the deployer must set (a warning).
        const placeholder = (cidr: string) =>
            new RegExp(
                `^berrys-platform:cluster\\.publicAccessCidrs\\.0 \\(${cidr.replace(/\./g, "\\.")}\\) is an RFC 5737 documentation range[^]*set berrys-platform:cluster\\.publicAccessCidrs to `,
            );
        // The notice of the minor's end of standard support depends on the day: left out here.
        const dated = (warnings: string[]) =>
            warnings.filter(
                (warning) =>
                    !/^berrys-platform:cluster\.version \(\S+\) (leaves|left) EKS standard support/.test(warning),
            );
        const production = dated(run.warnings);
        assert.equal(production.length, 3, production.join("\n"));
        assert.match(production[0], placeholder("192.0.2.0/24"));
        assert.match(
            production[1],
            /^berrys-platform:namespace\.quota\.requests\.cpu \(24\) < 28\.8 needed while every service rolls out at max replicas/,
        );
        assert.match(
            production[2],
            /^berrys-platform:namespace\.quota\.limits\.cpu \(32\) < 45\.5 needed at max replicas[^]*raise berrys-platform:namespace\.quota\.limits\.cpu to 45\.5/,
        );
        const staging = dated((await runStack("staging")).warnings);
        assert.equal(staging.length, 1, staging.join("\n"));
        assert.match(staging[0], placeholder("198.51.100.0/24"));
    });

    it("exports the capacity report and findings as the `capacity` output", () => {
        const expected = checkCapacity(stackConfig("production"));
        assert.deepEqual(
            run.outputs.capacity,
            JSON.parse(JSON.stringify({ ...expected.report, findings: expected.findings })),
        );
    });
});

describe("bad input stops the program before any resource is registered", function () {
    it("invalid config: a RunError with every message, and nothing registered", async () => {
        const { message, registered } = await failedRun("production", {
            [`${PROJECT}:services`]: { "api-gateway": { minReplicas: 4, maxReplicas: 2 } },
        });
        assert.equal(registered, 0);
        assert.match(message, /^Invalid configuration \(\d+ problems\):/);
        assert.match(message, /berrys-platform:services\.api-gateway\.priority is required/);
        assert.match(message, /berrys-platform:services\.api-gateway\.maxReplicas \(2\) must be >= minReplicas \(4\)/);
    });

    it(`random mutations of a valid config (${MUTATION_KINDS.join(", ")}) register nothing`, async () => {
        const mutations = fc.sample(mutatedRawConfig, { seed: 42, numRuns: 6 });
        for (const mutation of mutations) {
            const overrides = Object.fromEntries(
                Object.entries(mutation.raw).map(([key, value]) => [`${PROJECT}:${key}`, value]),
            );
            for (const key of [
                "cluster",
                "network",
                "nodeGroups",
                "namespace",
                "services",
                "addons",
                "guardrails",
                "simulation",
            ]) {
                overrides[`${PROJECT}:${key}`] ??= undefined;
            }
            const { message, registered } = await failedRun("production", overrides);
            assert.equal(registered, 0, `${mutation.kind}: ${message}`);
            assert.match(message, /berrys-platform:/);
        }
    });

    it("a capacity error (warnings made errors) stops preview with the findings, and nothing registered", async () => {
        const guardrails = { ...stackConfig("production").guardrails, warningsAsErrors: true };
        const { message, registered } = await failedRun("production", { [`${PROJECT}:guardrails`]: guardrails });
        assert.equal(registered, 0);
        // The two quota warnings, the placeholder CIDR's and the minor's day-dependent end-of-support notice.
        assert.match(
            message,
            new RegExp(
                `^Capacity check failed \\(${3 + standardSupportCheck(stackConfig("production")).warnings.length} errors`,
            ),
        );
        assert.match(
            message,
            /berrys-platform:namespace\.quota\.limits\.cpu \(32\) < 45\.5 needed at max replicas[^]*raise berrys-platform:namespace\.quota\.limits\.cpu to 45\.5/,
        );
    });
});
