// The README's consumer example is a real program: the README shows examples/consumer/index.ts
// whole, `npm test` type-checks it with a consumer's strict tsconfig, and here it runs under mocks
// against production's real outputs and declares the Deployment the `services` contract asks for.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { MockRun } from "../../tools/mock-engine";
import { PROJECT_DIR } from "../../tools/stack-files";
import { CONSUMER_PROGRAM, runConsumer } from "../helpers/consumer";
import { NATIVE_TSC, nativeConfig, optionsWithout } from "../helpers/tsconfig";
import { runStack } from "../helpers/program";

const readme = fs.readFileSync(path.join(PROJECT_DIR, "docs/outputs.md"), "utf8");
const consumerDir = path.dirname(CONSUMER_PROGRAM);

/** The first ```ts block after docs/outputs.md names the example's file. */
function readmeExample(): string {
    const mention = readme.indexOf("`examples/consumer/index.ts`");
    assert.ok(mention >= 0, "docs/outputs.md names examples/consumer/index.ts");
    const start = readme.indexOf("```ts\n", mention);
    const end = readme.indexOf("\n```\n", start);
    return readme.slice(start + "```ts\n".length, end + 1);
}

describe("examples/consumer: docs/outputs.md's StackReference example", function () {
    it("docs/outputs.md shows examples/consumer/index.ts whole, character for character", () => {
        assert.equal(readmeExample(), fs.readFileSync(CONSUMER_PROGRAM, "utf8"));
    });

    it("npm test type-checks it by TypeScript 7 with its own strict tsconfig (a consumer's, without skipLibCheck)", () => {
        const tsconfig = JSON.parse(fs.readFileSync(path.join(consumerDir, "tsconfig.json"), "utf8"));
        assert.equal(tsconfig.compilerOptions.strict, true);
        assert.equal(tsconfig.compilerOptions.skipLibCheck, undefined);
        assert.deepEqual(tsconfig.files, ["index.ts"]);
        const scripts = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8")).scripts;
        assert.match(scripts.test, /(^| )typecheck( |$)/);
        // One build-mode run with the program's check (tests/type-check.test.ts).
        assert.match(
            scripts.typecheck,
            new RegExp(`^node ${NATIVE_TSC} -b --force \\S+ examples/consumer/tsconfig\\.typecheck\\.json( |$)`),
        );
        // The script checks the consumer's tsconfig.json with its options but what TypeScript 7
        // requires (as the program's typecheck: tests/type-check.test.ts), and only its index.ts.
        const own = nativeConfig(path.join(consumerDir, "tsconfig.json"));
        const check = nativeConfig(path.join(consumerDir, "tsconfig.typecheck.json"));
        assert.equal(check.compilerOptions.noEmit, true);
        assert.equal(check.compilerOptions.noCheck, undefined);
        assert.deepEqual(
            optionsWithout(check.compilerOptions, ["noEmit", "moduleResolution", "types"]),
            optionsWithout(own.compilerOptions, ["moduleResolution"]),
        );
        assert.deepEqual(check.files, [CONSUMER_PROGRAM]);
        const { importedFiles } = ts.preProcessFile(fs.readFileSync(CONSUMER_PROGRAM, "utf8"), true, true);
        assert.deepEqual(importedFiles.map((imported) => imported.fileName).sort(), [
            "@pulumi/kubernetes",
            "@pulumi/pulumi",
        ]);
        // The program's own tsconfig does not cover it: only the consumer's settings apply.
        const root = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "tsconfig.json"), "utf8"));
        assert.ok(!root.include.some((pattern: string) => pattern.startsWith("examples")));
    });

    describe("run under mocks against production's outputs", () => {
        let consumer: MockRun;
        let deployment: Record<string, any>;
        let platformOutputs: Record<string, unknown>;
        before(async () => {
            platformOutputs = (await runStack("production")).outputs;
            consumer = await runConsumer(platformOutputs);
            const found = consumer.registered.filter((resource) => resource.type === "kubernetes:apps/v1:Deployment");
            assert.equal(found.length, 1);
            deployment = found[0].inputs;
        });

        it("declares Deployment api-gateway in berrys-production through a provider on the platform's kubeconfig", () => {
            assert.equal(deployment.metadata.name, "api-gateway");
            assert.equal(deployment.metadata.namespace, "berrys-production");
            const production = consumer.registered.find((resource) => resource.type === "pulumi:pulumi:StackReference");
            assert.equal(production?.inputs.name, "acme/berrys-platform/production");
            const provider = consumer.registered.find((resource) => resource.type === "pulumi:providers:kubernetes");
            assert.equal(provider?.inputs.kubeconfig, platformOutputs.kubeconfig);
        });

        it("declares the seed's api-gateway contract: app label, berrys-critical, 250m/256Mi requests, 500m/512Mi limits, port metrics 8000, no replicas", () => {
            const spec = deployment.spec;
            assert.deepEqual(spec.selector.matchLabels, { app: "api-gateway" });
            assert.deepEqual(spec.template.metadata.labels, { app: "api-gateway" });
            assert.equal(spec.replicas, undefined, "the HPA owns the replica count");
            assert.equal(spec.template.spec.priorityClassName, "berrys-critical");
            const [container] = spec.template.spec.containers;
            // An Output's own member `resources` hides a lifted `contract.resources` (@pulumi/pulumi
            // 3.248 output.js, the member-lifting Proxy of the `OutputImpl` constructor): this is the line that catches it.
            assert.deepEqual(container.resources, {
                requests: { cpu: "250m", memory: "256Mi" },
                limits: { cpu: "500m", memory: "512Mi" },
            });
            assert.deepEqual(container.ports, [{ name: "metrics", containerPort: 8000 }]);
        });
    });
});
