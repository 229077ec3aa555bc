import { strict as assert } from "assert";
import { checkConfig } from "../preflight";
import { fixtureStack } from "./helpers/stacks";
import * as YAML from "yaml";

/** The production stack's config, deep-copied so a test can break one key. */
function production(): Record<string, any> {
    return structuredClone(fixtureStack("production").projectConfig) as Record<string, any>;
}

function errorsOf(raw: Record<string, unknown>, region = "us-east-1"): string[] {
    const result = checkConfig(raw, { stack: "production", region });
    assert.equal(result.ok, false, "expected the config to be rejected");
    return result.ok ? [] : result.errors;
}

/** Asserts exactly one message names `key`, and that it says `rule`. */
function assertRejected(errors: string[], key: string, rule: RegExp): void {
    const matching = errors.filter((error) => error.startsWith(`berrys-platform:${key} `));
    assert.equal(matching.length, 1, `expected one message for ${key}, got:\n${errors.join("\n")}`);
    assert.match(matching[0], rule);
}

describe("config: invalid settings are rejected with the key, the value and the rule", () => {
    it("accepts the production and staging fixtures", () => {
        for (const stack of ["production", "staging"]) {
            const file = fixtureStack(stack);
            const result = checkConfig(file.projectConfig, file.context);
            assert.ok(result.ok, result.ok ? "" : result.errors.join("\n"));
        }
    });

    it("minReplicas above maxReplicas", () => {
        const raw = production();
        raw.services["api-gateway"].maxReplicas = 1;
        assertRejected(errorsOf(raw), "services.api-gateway.maxReplicas", /\(1\) must be >= minReplicas \(2\)/);
    });

    it("a utilization target of 0 or below", () => {
        for (const value of [0, -5]) {
            const raw = production();
            raw.services["web-dashboard"].metrics[0].averageUtilization = value;
            assertRejected(
                errorsOf(raw),
                "services.web-dashboard.metrics.0.averageUtilization",
                new RegExp(`\\(${value}\\) must be > 0`),
            );
        }
    });

    it("a utilization target above 100 is legal but warned about", () => {
        const raw = production();
        raw.services["web-dashboard"].metrics[0].averageUtilization = 120;
        const result = checkConfig(raw, { stack: "production", region: "us-east-1" });
        assert.ok(result.ok);
        const utilization = result.warnings.filter((warning) => warning.includes("averageUtilization"));
        assert.equal(utilization.length, 1);
        assert.match(
            utilization[0],
            /^berrys-platform:services\.web-dashboard\.metrics\.0\.averageUtilization \(120\) is above 100/,
        );
    });

    it("a malformed quantity such as 48Gx", () => {
        const raw = production();
        raw.namespace.quota["requests.memory"] = "48Gx";
        assertRejected(errorsOf(raw), "namespace.quota.requests.memory", /\("48Gx"\) must be a Kubernetes quantity/);
        const service = production();
        service.services["agent-orchestrator"].resources.limits.cpu = "1 core";
        assertRejected(
            errorsOf(service),
            "services.agent-orchestrator.resources.limits.cpu",
            /must be a Kubernetes quantity/,
        );
    });

    it("an unknown metric type", () => {
        const raw = production();
        raw.services["api-gateway"].metrics[2].type = "External";
        assertRejected(errorsOf(raw), "services.api-gateway.metrics.2.type", /must have type Resource, Pods or Object/);
    });

    it("behavior policies Kubernetes would reject: periodSeconds outside 1-1800", () => {
        for (const value of [0, 1801]) {
            const raw = production();
            raw.services["model-orchestration"].behavior.scaleUp.policies[0].periodSeconds = value;
            assertRejected(
                errorsOf(raw),
                "services.model-orchestration.behavior.scaleUp.policies.0.periodSeconds",
                /must be between 1 and 1800 seconds/,
            );
        }
    });

    it("behavior policies Kubernetes would reject: a stabilization window outside 0-3600", () => {
        for (const value of [-1, 3601]) {
            const raw = production();
            raw.services["model-orchestration"].behavior.scaleDown.stabilizationWindowSeconds = value;
            assertRejected(
                errorsOf(raw),
                "services.model-orchestration.behavior.scaleDown.stabilizationWindowSeconds",
                /must be between 0 and 3600 seconds/,
            );
        }
    });

    it("behavior policies Kubernetes would reject: a policy value of 0 or below", () => {
        const raw = production();
        raw.services["agent-orchestrator"].behavior.scaleDown.policies[0].value = 0;
        assertRejected(
            errorsOf(raw),
            "services.agent-orchestrator.behavior.scaleDown.policies.0.value",
            /\(0\) must be > 0/,
        );
    });

    it("a PDB with both minAvailable and maxUnavailable", () => {
        const raw = production();
        raw.services["agent-orchestrator"].pdb = { minAvailable: 2, maxUnavailable: 1 };
        assertRejected(
            errorsOf(raw),
            "services.agent-orchestrator.pdb",
            /must set exactly one of minAvailable and maxUnavailable/,
        );
    });

    it("a PDB that forbids every eviction at minReplicas", () => {
        const cases: [Record<string, unknown>, string][] = [
            [{ minAvailable: 3 }, "minAvailable"],
            [{ minAvailable: "100%" }, "minAvailable"],
            [{ maxUnavailable: 0 }, "maxUnavailable"],
            [{ maxUnavailable: "10%" }, "maxUnavailable"], // 10 % of 3 rounds down to 0
        ];
        for (const [pdb, key] of cases) {
            const raw = production();
            raw.services["agent-orchestrator"].pdb = pdb;
            assertRejected(
                errorsOf(raw),
                `services.agent-orchestrator.pdb.${key}`,
                /must allow one eviction at minReplicas \(3\)/,
            );
        }
    });

    it("node group minSize above maxSize, and desiredSize outside them", () => {
        const raw = production();
        raw.nodeGroups["default-node-group"].minSize = 11;
        assertRejected(errorsOf(raw), "nodeGroups.default-node-group.minSize", /\(11\) must be <= maxSize \(10\)/);
        const desired = production();
        desired.nodeGroups["default-node-group"].desiredSize = 2;
        assertRejected(
            errorsOf(desired),
            "nodeGroups.default-node-group.desiredSize",
            /must be between minSize \(3\) and maxSize \(10\)/,
        );
    });

    it("a wrong type", () => {
        const raw = production();
        raw.services["model-orchestration"].minReplicas = "3";
        assertRejected(errorsOf(raw), "services.model-orchestration.minReplicas", /\("3"\) must be an integer/);
        const list = production();
        list.nodeGroups["default-node-group"].instanceTypes = "m6i.xlarge";
        assertRejected(errorsOf(list), "nodeGroups.default-node-group.instanceTypes", /must be a list/);
    });

    it("names types in a stack file's words: a map from service name to its settings, a list, true or false", () => {
        const services = production();
        services.services = ["api-gateway"];
        assertRejected(
            errorsOf(services),
            "services",
            /\(\["api-gateway"\]\) must be a map from service name to its settings$/,
        );
        const groups = production();
        groups.nodeGroups = "default-node-group";
        assertRejected(errorsOf(groups), "nodeGroups", /must be a map from node group name to its settings$/);
        const quota = production();
        quota.namespace.quota = [];
        assertRejected(errorsOf(quota), "namespace.quota", /must be a map from ResourceQuota key to its hard limit/);
        const flag = production();
        flag.cluster.protect = "yes";
        assertRejected(errorsOf(flag), "cluster.protect", /\("yes"\) must be true or false$/);
        for (const message of [...errorsOf(services), ...errorsOf(groups), ...errorsOf(flag)]) {
            assert.doesNotMatch(message, /record|array|boolean/, message);
        }
    });

    it("addons.monitoring.runbookBaseUrl: an http(s) URL or a repository path, without a #", () => {
        for (const bad of [
            "https://github.com/acme/berrys-platform/blob/main/README.md#troubleshooting",
            "ftp://host/README.md",
            "my readme.md",
        ]) {
            const raw = production();
            raw.addons = { monitoring: { runbookBaseUrl: bad } };
            assertRejected(
                errorsOf(raw),
                "addons.monitoring.runbookBaseUrl",
                /must be an http\(s\) URL without a # \(the alert's anchor is appended\), or a path relative to the repository\ne\.g\. https:\/\/github\.com\/acme/,
            );
        }
        const raw = production();
        raw.addons = {
            monitoring: { runbookBaseUrl: "https://git.example.com/platform/berrys/-/blob/main/README.md" },
        };
        assert.ok(checkConfig(raw, { stack: "production", region: "us-east-1" }).ok);
    });

    it("an unquoted version: 1.30, which YAML reads as the number 1.3, gets a hint to quote it", () => {
        const raw = production();
        raw.cluster.version = YAML.parse("version: 1.30").version;
        assert.equal(raw.cluster.version, 1.3);
        assertRejected(
            errorsOf(raw),
            "cluster.version",
            /\(1\.3\) must be a string; quote it in the stack file: version: "1\.30" \(YAML reads an unquoted 1\.30 as the number 1\.3\)/,
        );
        const minor = production();
        minor.cluster.version = 1.34;
        assertRejected(errorsOf(minor), "cluster.version", /quote it in the stack file: version: "1\.34"$/);
    });

    it("an unknown key, with the known ones and a suggestion", () => {
        const raw = production();
        raw.services["api-gateway"].maxReplica = 8;
        assertRejected(
            errorsOf(raw),
            "services.api-gateway.maxReplica",
            /is not a known key \(did you mean maxReplicas\?\)\nknown keys here: .*maxReplicas/,
        );
        const top = production();
        top.service = {};
        assertRejected(errorsOf(top), "service", /is not a known key.*did you mean services\?/);
        const quota = production();
        quota.namespace.quota["limit.cpu"] = "32";
        assertRejected(
            errorsOf(quota),
            "namespace.quota.limit.cpu",
            /is not a known key \(did you mean limits\.cpu\?\)\nknown keys here: requests\.cpu, .*limits\.cpu/,
        );
    });

    it("a missing required key", () => {
        const raw = production();
        delete raw.namespace.name;
        assertRejected(errorsOf(raw), "namespace.name", /is required/);
        const services = production();
        delete services.services;
        assertRejected(errorsOf(services), "services", /is required/);
    });

    it("a public endpoint open to 0.0.0.0/0", () => {
        const raw = production();
        raw.cluster.publicAccessCidrs = ["203.0.113.0/24", "0.0.0.0/0"];
        assertRejected(
            errorsOf(raw),
            "cluster.publicAccessCidrs",
            /must cover at most 16777216 addresses \(a \/8\), not 4294967296 \(100% of IPv4\)\nthat opens the API endpoint to almost everyone/,
        );
    });

    it("a VPC block too large for AWS or too small for pod IPs", () => {
        for (const cidrBlock of ["10.0.0.0/8", "10.0.0.0/24"]) {
            const raw = production();
            raw.network.cidrBlock = cidrBlock;
            assertRejected(errorsOf(raw), "network.cidrBlock", /must be a \/16 to \/22 block/);
        }
    });

    it("a CIDR with host bits set, which EC2 refuses (CreateVpc, subnets and security group rules take network addresses)", () => {
        const vpc = production();
        vpc.network.cidrBlock = "10.40.0.1/16";
        assertRejected(
            errorsOf(vpc),
            "network.cidrBlock",
            /\("10\.40\.0\.1\/16"\) must not have host bits set: AWS refuses it; the network is 10\.40\.0\.0\/16/,
        );
        const access = production();
        access.cluster.publicAccessCidrs = ["198.51.100.7/24"];
        access.cluster.privateAccessCidrs = ["10.20.1.0/16"];
        const errors = errorsOf(access);
        assertRejected(errors, "cluster.publicAccessCidrs.0", /the network is 198\.51\.100\.0\/24/);
        assertRejected(errors, "cluster.privateAccessCidrs.0", /the network is 10\.20\.0\.0\/16/);
    });

    it("a missing aws:region", () => {
        assert.ok(errorsOf(production(), "").some((error) => error.startsWith("aws:region is not set")));
    });

    it("reports every problem at once", () => {
        const raw = production();
        raw.services["api-gateway"].maxReplicas = 1;
        raw.services["api-gateway"].maxReplica = 1;
        raw.namespace.quota["requests.memory"] = "48Gx";
        raw.nodeGroups["default-node-group"].minSize = 11;
        raw.services["web-dashboard"].pdb = { minAvailable: 1, maxUnavailable: 1 };
        const errors = errorsOf(raw);
        for (const key of [
            "services.api-gateway.maxReplicas",
            "services.api-gateway.maxReplica",
            "namespace.quota.requests.memory",
            "nodeGroups.default-node-group.minSize",
            "services.web-dashboard.pdb",
        ]) {
            assert.ok(
                errors.some((error) => error.startsWith(`berrys-platform:${key} `)),
                `${key} missing from:\n${errors.join("\n")}`,
            );
        }
    });
});

describe("config: namespace.admission (the services contract at admission)", () => {
    const parsed = (admission: unknown) => {
        const raw = production();
        raw.namespace.admission = admission;
        return checkConfig(raw, { stack: "production", region: "us-east-1" });
    };

    it("defaults to enabled with validationActions [Deny] when the key is left out", () => {
        const raw = production();
        delete raw.namespace.admission;
        const result = checkConfig(raw, { stack: "production", region: "us-east-1" });
        assert.ok(result.ok);
        assert.deepEqual(result.config.namespace.admission, { enabled: true, validationActions: ["Deny"] });
    });

    it("takes each combination the API server allows: Deny, Warn, Audit, Deny+Audit, Warn+Audit", () => {
        for (const actions of [
            ["Deny"],
            ["Warn"],
            ["Audit"],
            ["Deny", "Audit"],
            ["Warn", "Audit"],
            ["Audit", "Warn"],
        ]) {
            const result = parsed({ validationActions: actions });
            assert.ok(result.ok, result.ok ? "" : result.errors.join("\n"));
            assert.deepEqual(result.config.namespace.admission.validationActions, actions);
        }
    });

    // k8s.io/api admissionregistration/v1 `ValidatingAdmissionPolicyBindingSpec.ValidationActions` (v0.34.10): "Deny" and "Warn" may not
    // be used together; validateValidationActions also rejects duplicates and an empty list.
    it("rejects Deny with Warn, as the API server would reject the binding", () => {
        assertRejected(
            errorsOf({
                ...production(),
                namespace: { ...production().namespace, admission: { validationActions: ["Deny", "Warn"] } },
            }),
            "namespace.admission.validationActions",
            /\["Deny","Warn"\]\) must not contain both Deny and Warn: the API server rejects the binding\n.*\[Deny, Audit\]/,
        );
    });

    it("rejects a repeated action, an empty list and an unknown action", () => {
        const raw = (admission: unknown) => ({ ...production(), namespace: { ...production().namespace, admission } });
        assertRejected(
            errorsOf(raw({ validationActions: ["Audit", "Audit"] })),
            "namespace.admission.validationActions",
            /must not repeat an action/,
        );
        assertRejected(
            errorsOf(raw({ validationActions: [] })),
            "namespace.admission.validationActions",
            /must list at least one action .*admission\.enabled: false/,
        );
        assertRejected(
            errorsOf(raw({ validationActions: ["Block"] })),
            "namespace.admission.validationActions.0",
            /\("Block"\) must be one of Deny, Warn, Audit/,
        );
        assertRejected(errorsOf(raw({ enabled: "yes" })), "namespace.admission.enabled", /must be/);
    });
});
