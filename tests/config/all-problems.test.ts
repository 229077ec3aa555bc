// All problems at once (issue 22, item 6): a key that fails its own schema no longer stops the
// cross-key checks or the capacity check; they run on the config without it, so a file with three
// mistakes reports three, and a key left out is reported once, as its own schema saw it.
import { strict as assert } from "assert";
import { preflight } from "../../preflight";
import { baseStack, RawConfig } from "../helpers/bad-configs";

function errorsOf(change: (raw: RawConfig) => void): string[] {
    const { raw, context } = baseStack();
    change(raw);
    const result = preflight(raw, context);
    assert.equal(result.ok, false, "the configuration must be refused");
    return result.ok ? [] : result.errors;
}

const firstLines = (errors: readonly string[]) => errors.map((error) => error.split("\n")[0]);

describe("all problems at once: every check that can still run reports", () => {
    it("an unknown key, a metric no adapter rule serves and a quota below min replicas: three errors in one run", () => {
        const errors = firstLines(
            errorsOf((raw) => {
                raw.services["web-dashboard"].maxReplica = 8;
                raw.services["api-gateway"].metrics[2].name = "http_request_per_second";
                raw.namespace.quota.pods = "5";
            }),
        );
        assert.equal(errors.length, 3, errors.join("\n"));
        assert.match(errors[0], /^berrys-platform:services\.web-dashboard\.maxReplica is not a known key/);
        assert.ok(
            errors.some((error) =>
                /^berrys-platform:services\.api-gateway\.metrics\.2\.name \(http_request_per_second\) must be a metric the prometheus-adapter serves/.test(
                    error,
                ),
            ),
        );
        assert.ok(errors.some((error) => /^berrys-platform:namespace\.quota\.pods \(5\) must be >= 10/.test(error)));
    });

    it("an invalid value with a default is left out (its default taken) and the cross-checks still run", () => {
        const errors = firstLines(
            errorsOf((raw) => {
                raw.addons = { clusterAutoscaler: { expander: "priority" } };
                raw.nodeGroups["default-node-group"].instanceTypes = ["m7g.xlarge"];
            }),
        );
        assert.deepEqual(
            errors.map((error) => error.split(" ")[0]),
            [
                "berrys-platform:addons.clusterAutoscaler.expander",
                "berrys-platform:nodeGroups.default-node-group.instanceTypes",
            ],
        );
    });

    it("a required key that is invalid takes what holds it out of the checks, and no check reports it a second time", () => {
        const errors = firstLines(
            errorsOf((raw) => {
                raw.services["api-gateway"].metrics[2].name = "http requests";
                raw.simulation = { services: { "api-gateway": { capacityPerPod: 10 }, "web-dashbaord": {} } };
            }),
        );
        // The bad metric name once; simulation.services.api-gateway names a service that was left
        // out of the checks, so it is not called unknown; the misspelt service is.
        assert.deepEqual(errors, [
            'berrys-platform:services.api-gateway.metrics.2.name ("http requests") must be a Prometheus metric name such as http_requests_per_second',
            "berrys-platform:simulation.services.web-dashbaord must name a service of berrys-platform:services " +
                "(agent-orchestrator, model-orchestration, web-dashboard); did you mean web-dashboard?",
        ]);
    });

    it("a missing top-level key stops only what needs it: the error names it", () => {
        const errors = errorsOf((raw) => {
            delete raw.namespace;
            raw.services["api-gateway"].maxReplica = 3;
        });
        assert.deepEqual(
            firstLines(errors).map((error) => error.split(" ")[0]),
            ["berrys-platform:namespace", "berrys-platform:services.api-gateway.maxReplica"],
        );
    });
});
