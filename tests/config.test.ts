// config.ts's parse as a stack file's author meets it: types named in the file's words, unknown keys
// with a suggestion, missing keys, the hint to quote a version, and every problem reported at once.
// Each key's own rules are tested beside its schema, in tests/schema/<module>.test.ts.
import { strict as assert } from "assert";
import { checkConfig } from "../preflight";
import { assertRejected, errorsOf, productionRaw } from "./helpers/bad-configs";
import { fixtureStack } from "./helpers/stacks";
import * as YAML from "yaml";

describe("config: invalid settings are rejected with the key, the value and the rule", () => {
    it("accepts the production and staging fixtures", () => {
        for (const stack of ["production", "staging"]) {
            const file = fixtureStack(stack);
            const result = checkConfig(file.projectConfig, file.context);
            assert.ok(result.ok, result.ok ? "" : result.errors.join("\n"));
        }
    });

    it("a wrong type", () => {
        const raw = productionRaw();
        raw.services["model-orchestration"].minReplicas = "3";
        assertRejected(errorsOf(raw), "services.model-orchestration.minReplicas", /\("3"\) must be an integer/);
        const list = productionRaw();
        list.nodeGroups["default-node-group"].instanceTypes = "m6i.xlarge";
        assertRejected(errorsOf(list), "nodeGroups.default-node-group.instanceTypes", /must be a list/);
    });

    it("names types in a stack file's words: a map from service name to its settings, a list, true or false", () => {
        const services = productionRaw();
        services.services = ["api-gateway"];
        assertRejected(
            errorsOf(services),
            "services",
            /\(\["api-gateway"\]\) must be a map from service name to its settings$/,
        );
        const groups = productionRaw();
        groups.nodeGroups = "default-node-group";
        assertRejected(errorsOf(groups), "nodeGroups", /must be a map from node group name to its settings$/);
        const quota = productionRaw();
        quota.namespace.quota = [];
        assertRejected(errorsOf(quota), "namespace.quota", /must be a map from ResourceQuota key to its hard limit/);
        const flag = productionRaw();
        flag.cluster.protect = "yes";
        assertRejected(errorsOf(flag), "cluster.protect", /\("yes"\) must be true or false$/);
        for (const message of [...errorsOf(services), ...errorsOf(groups), ...errorsOf(flag)]) {
            assert.doesNotMatch(message, /record|array|boolean/, message);
        }
    });

    it("an unquoted version: 1.30, which YAML reads as the number 1.3, gets a hint to quote it", () => {
        const raw = productionRaw();
        raw.cluster.version = YAML.parse("version: 1.30").version;
        assert.equal(raw.cluster.version, 1.3);
        assertRejected(
            errorsOf(raw),
            "cluster.version",
            /\(1\.3\) must be a string; quote it in the stack file: version: "1\.30" \(YAML reads an unquoted 1\.30 as the number 1\.3\)/,
        );
        const minor = productionRaw();
        minor.cluster.version = 1.34;
        assertRejected(errorsOf(minor), "cluster.version", /quote it in the stack file: version: "1\.34"$/);
    });

    it("an unknown key, with the known ones and a suggestion", () => {
        const raw = productionRaw();
        raw.services["api-gateway"].maxReplica = 8;
        assertRejected(
            errorsOf(raw),
            "services.api-gateway.maxReplica",
            /is not a known key \(did you mean maxReplicas\?\)\nknown keys here: .*maxReplicas/,
        );
        const top = productionRaw();
        top.service = {};
        assertRejected(errorsOf(top), "service", /is not a known key.*did you mean services\?/);
        const quota = productionRaw();
        quota.namespace.quota["limit.cpu"] = "32";
        assertRejected(
            errorsOf(quota),
            "namespace.quota.limit.cpu",
            /is not a known key \(did you mean limits\.cpu\?\)\nknown keys here: requests\.cpu, .*limits\.cpu/,
        );
    });

    it("a missing required key", () => {
        const raw = productionRaw();
        delete raw.namespace.name;
        assertRejected(errorsOf(raw), "namespace.name", /is required/);
        const services = productionRaw();
        delete services.services;
        assertRejected(errorsOf(services), "services", /is required/);
    });

    it("a missing aws:region", () => {
        assert.ok(errorsOf(productionRaw(), "").some((error) => error.startsWith("aws:region is not set")));
    });

    it("reports every problem at once", () => {
        const raw = productionRaw();
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
