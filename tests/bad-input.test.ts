// Configurations the AWS or Kubernetes APIs would refuse only at `pulumi up`, refused at preview
// with the key, the value and the rule (issue 9, "Bad input"): instance architecture against the
// AMI type, requests above limits.
import { strict as assert } from "assert";
import {
    amiArchitecture,
    architectureFromName,
    architectureOf,
    INSTANCE_TYPES,
    instanceArchitectureCheck,
} from "../capacity/instance-types";
import { checkConfig } from "../preflight";
import { fixtureStack, stackWith } from "./helpers/stacks";

/** The preflight's errors for the production stack with `change` applied (empty: accepted). */
function errorsWith(change: (raw: Record<string, any>) => void): string[] {
    const file = fixtureStack("production");
    const raw = structuredClone(file.projectConfig) as Record<string, any>;
    change(raw);
    const result = checkConfig(raw, file.context);
    return result.ok ? [] : result.errors;
}

describe("instance types against the node group's AMI type", () => {
    it("names the architecture as pulumi-eks does: a g after the generation digits is Graviton", () => {
        // pulumi-eks v4.3.0 nodejs/eks/nodes/nodegroup.ts `isGravitonInstance`.
        const cases: Record<string, string> = {
            "m7g.xlarge": "arm64",
            "c6gn.large": "arm64",
            "t4g.medium": "arm64",
            "x2gd.xlarge": "arm64",
            "a1.large": "arm64",
            "m6i.xlarge": "x86_64",
            "g5.xlarge": "x86_64",
            "inf2.xlarge": "x86_64",
            "m7i-flex.large": "x86_64",
            "c5n.large": "x86_64",
        };
        for (const [type, arch] of Object.entries(cases)) {
            assert.equal(architectureFromName(type), arch, type);
        }
    });

    it("the capacity table carries each type's architecture (Graviton: m6g, m7g, c6g, c7g, r6g, r7g, t4g)", () => {
        assert.equal(INSTANCE_TYPES["m6i.xlarge"].arch, "x86_64");
        assert.equal(INSTANCE_TYPES["m6a.large"].arch, "x86_64");
        assert.equal(INSTANCE_TYPES["m7g.xlarge"].arch, "arm64");
        assert.equal(INSTANCE_TYPES["t4g.medium"].arch, "arm64");
        for (const [type, spec] of Object.entries(INSTANCE_TYPES)) {
            assert.equal(spec.arch, architectureFromName(type), type);
        }
        // guardrails.instanceTypes may say otherwise for a type it describes.
        assert.equal(
            architectureOf("z9q.large", { "z9q.large": { arch: "arm64", vcpu: 2, memoryMiB: 8192, maxPods: 29 } }),
            "arm64",
        );
        assert.equal(amiArchitecture("BOTTLEROCKET_ARM_64"), "arm64");
        assert.equal(amiArchitecture("AL2023_x86_64_STANDARD"), "x86_64");
    });

    it("refuses a Graviton type on an x86 AMI, naming the key, the types and both ways out", () => {
        const errors = errorsWith((raw) => {
            raw.nodeGroups["default-node-group"].instanceTypes = ["m6i.xlarge", "m7g.xlarge"];
        });
        assert.deepEqual(errors, [
            'berrys-platform:nodeGroups.default-node-group.instanceTypes (["m7g.xlarge"]) must run the group\'s amiType AL2023_x86_64_STANDARD (x86_64): ' +
                "m7g.xlarge is arm64 (Graviton)\n" +
                "set berrys-platform:nodeGroups.default-node-group.amiType to an ARM_64 type or use x86_64 instance types",
        ]);
    });

    it("refuses an x86 type on an ARM AMI, and accepts Graviton types there", () => {
        const config = stackWith("production", (raw) => {
            raw.nodeGroups["default-node-group"].instanceTypes = ["m7g.xlarge"];
            raw.nodeGroups["default-node-group"].amiType = "AL2023_ARM_64_STANDARD";
        });
        assert.deepEqual(instanceArchitectureCheck(config), { errors: [], warnings: [] });
        const x86 = errorsWith((raw) => {
            raw.nodeGroups["default-node-group"].amiType = "BOTTLEROCKET_ARM_64";
        });
        assert.equal(x86.length, 1);
        assert.match(
            x86[0],
            /^berrys-platform:nodeGroups\.default-node-group\.instanceTypes \(\["m6i\.xlarge"\]\) must run the group's amiType BOTTLEROCKET_ARM_64 \(arm64\): m6i\.xlarge is x86_64/,
        );
    });
});

describe("container requests above their limits", () => {
    // kubernetes/kubernetes pkg/apis/core/validation/validation.go (release-1.34), ValidateResourceRequirements:
    // "must be less than or equal to <resource> limit of <limit>" for every request above its limit.
    it("refuses a service's cpu or memory request above its limit, comparing quantities, not strings", () => {
        const errors = errorsWith((raw) => {
            raw.services["api-gateway"].resources = {
                requests: { cpu: "2", memory: "600Mi" },
                limits: { cpu: "1500m", memory: "512Mi" },
            };
        });
        assert.deepEqual(errors, [
            'berrys-platform:services.api-gateway.resources.requests.cpu ("2") must be <= limits.cpu (1500m): the API server refuses a container whose cpu request exceeds its limit',
            'berrys-platform:services.api-gateway.resources.requests.memory ("600Mi") must be <= limits.memory (512Mi): the API server refuses a container whose memory request exceeds its limit',
        ]);
        // Equal is allowed, in any unit (Guaranteed QoS).
        assert.deepEqual(
            errorsWith((raw) => {
                raw.services["api-gateway"].resources = {
                    requests: { cpu: "1", memory: "1Gi" },
                    limits: { cpu: "1000m", memory: "1024Mi" },
                };
            }),
            [],
        );
    });

    it("refuses an add-on's memory request above its memory limit", () => {
        const errors = errorsWith((raw) => {
            raw.addons = {
                ...raw.addons,
                clusterAutoscaler: {
                    ...raw.addons?.clusterAutoscaler,
                    resources: { requests: { cpu: "100m", memory: "1Gi" }, limits: { memory: "600Mi" } },
                },
            };
        });
        assert.deepEqual(errors, [
            'berrys-platform:addons.clusterAutoscaler.resources.requests.memory ("1Gi") must be <= limits.memory (600Mi): the API server refuses a container whose memory request exceeds its limit',
        ]);
    });

    it("refuses a LimitRange default request above its default limit (ValidateLimitRange)", () => {
        const errors = errorsWith((raw) => {
            raw.namespace.limitRange = { defaultRequest: { cpu: "1" }, default: { cpu: "500m" } };
        });
        assert.deepEqual(errors, [
            'berrys-platform:namespace.limitRange.defaultRequest.cpu ("1") must be <= default.cpu (500m): the API server refuses a LimitRange whose cpu request exceeds its limit',
        ]);
    });
});
