// The one reader of a value at a config path, and the one "did you mean" hint.
import { strict as assert } from "assert";
import { closestKey, didYouMean, valueAt } from "../config-path";

describe("valueAt: the value at a config path", () => {
    const raw = { services: { "api-gateway": { maxReplicas: 8, metrics: [{ name: "cpu" }] } } };

    it("follows maps and list indexes", () => {
        assert.equal(valueAt(raw, ["services", "api-gateway", "maxReplicas"]), 8);
        assert.equal(valueAt(raw, ["services", "api-gateway", "metrics", 0, "name"]), "cpu");
    });

    it("is the root itself for the empty path", () => {
        assert.equal(valueAt(raw, []), raw);
    });

    it("is undefined where a step is missing or not a map, instead of throwing", () => {
        assert.equal(valueAt(raw, ["services", "web-dashboard", "maxReplicas"]), undefined);
        assert.equal(valueAt(raw, ["services", "api-gateway", "maxReplicas", "x"]), undefined);
        assert.equal(valueAt({ namespace: null }, ["namespace", "name"]), undefined);
        assert.equal(valueAt(undefined, ["cluster"]), undefined);
    });
});

describe("didYouMean: a hint for a mistyped name", () => {
    const serviceKeys = ["minReplicas", "maxReplicas", "metrics", "pdb", "resources"];

    it("names the known key one edit away", () => {
        assert.equal(didYouMean("maxReplica", serviceKeys), "did you mean maxReplicas?");
        assert.equal(didYouMean("service", ["cluster", "services", "addons"]), "did you mean services?");
        assert.equal(didYouMean("limit.cpu", ["requests.cpu", "limits.cpu"]), "did you mean limits.cpu?");
    });

    it("ignores case when comparing", () => {
        assert.equal(closestKey("MAXREPLICAS", serviceKeys), "maxReplicas");
    });

    it("allows two edits for short names and a quarter of the length for long ones", () => {
        assert.equal(closestKey("pbd", serviceKeys), "pdb");
        assert.equal(closestKey("pxx", ["pdb"]), "pdb");
        assert.equal(closestKey("xxx", ["pdb"]), undefined);
        assert.equal(closestKey("web-dashbrd", ["web-dashboard", "api-gateway"]), "web-dashboard");
        assert.equal(closestKey("agent-orchstrtr", ["agent-orchestrator"]), "agent-orchestrator");
        assert.equal(closestKey("agent-orchstrt", ["agent-orchestrator"]), undefined);
    });

    it("offers nothing when no known name is near, or none is known", () => {
        assert.equal(didYouMean("replicas", ["cluster", "network"]), undefined);
        assert.equal(didYouMean("pdb", []), undefined);
        assert.equal(closestKey("abcdef", ["uvwxyz"]), undefined);
    });
});
