// Every Kubernetes object the program declares, in both stacks, validated against the
// Kubernetes OpenAPI schema as packaged by kubernetes-models (and its prometheus-operator CRDs).
import { strict as assert } from "assert";
import { MockRun } from "../tools/mock-engine";
import { kubernetesManifests } from "../tools/render";
import { runStack } from "./helpers/program";

interface Model {
    validate(): void;
}

/** The kubernetes-models class for an apiVersion and kind. */
function modelFor(apiVersion: string, kind: string): new (data: object) => Model {
    const module = apiVersion.startsWith("monitoring.coreos.com/")
        ? `@kubernetes-models/prometheus-operator/${apiVersion}/${kind}`
        : `kubernetes-models/${apiVersion}/${kind}`;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loaded = require(module) as Record<string, new (data: object) => Model>;
    return loaded[kind];
}

function validate(manifest: Record<string, any>): string | undefined {
    const Kind = modelFor(manifest.apiVersion, manifest.kind);
    try {
        new Kind(manifest).validate();
        return undefined;
    } catch (error) {
        return `${manifest.kind} ${manifest.metadata?.name}: ${(error as Error).message}`;
    }
}

describe("Kubernetes objects validate against the OpenAPI schema", function () {
    const runs: Record<string, MockRun> = {};
    before(async () => {
        runs.production = await runStack("production");
        runs.staging = await runStack("staging");
    });

    for (const stack of ["production", "staging"]) {
        it(`every object of the ${stack} stack`, () => {
            const manifests = kubernetesManifests(runs[stack].registered);
            assert.ok(manifests.length >= 12);
            const problems = manifests.map(validate).filter((problem) => problem !== undefined);
            assert.deepEqual(problems, []);
        });
    }

    it("the validation can fail: a string maxReplicas and an unknown PDB field are rejected", () => {
        assert.ok(
            validate({
                apiVersion: "autoscaling/v2",
                kind: "HorizontalPodAutoscaler",
                metadata: { name: "x" },
                spec: { scaleTargetRef: { kind: "Deployment", name: "x" }, maxReplicas: "3" },
            }),
        );
        assert.ok(
            validate({
                apiVersion: "policy/v1",
                kind: "PodDisruptionBudget",
                metadata: { name: "x" },
                spec: { minAvailable: 1, unhealthyPodEvictionPolicy: 3 },
            }),
        );
    });
});
