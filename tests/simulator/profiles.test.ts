// simulator/profiles.ts: the load profiles, their roles for the tuner, and `--load`'s two formats: a
// CSV, and a Prometheus query_range response (prometheusProfile), the format prometheus/prometheus
// documents in docs/querying/api.md ("Range queries" return `resultType: matrix`; each series
// `{metric: {labels}, values: [[<unix_time>, "<sample_value>"]]}`).
import { strict as assert } from "assert";
import * as fs from "fs";
import {
    csvProfile,
    dayProfile,
    mulberry32,
    profile,
    PROFILE_NAMES,
    prometheusProfile,
    tunerProfiles,
} from "../../simulator/profiles";
import { serviceModel } from "../../simulator/service-model";
import { PRODUCTION_SERVICES, PROMETHEUS_LOAD_FIXTURE, stackConfig } from "../helpers/stacks";

describe("profiles: the role each plays for the tuner", () => {
    it("the tuner meets ramp, spike, oscillating and the day (docs/simulator.md, Tuning); peak and rollout are simulate --check's", () => {
        assert.deepEqual(
            tunerProfiles(1)
                .map((each) => each.name)
                .sort(),
            ["day", "oscillating", "ramp", "spike"],
        );
        assert.deepEqual(
            PROFILE_NAMES.filter((name) => profile(name).tunerRole === "none"),
            ["peak", "rollout"],
        );
    });

    it("only the day and real traffic price a candidate: the seed's load tests cost nothing", () => {
        assert.deepEqual(
            PROFILE_NAMES.filter((name) => profile(name).tunerRole === "cost"),
            ["day"],
        );
        assert.equal(dayProfile(24).tunerRole, "cost");
        const traffic = csvProfile("seconds,load\n0,100\n60,300\n", ["api-gateway"], "api-gateway", "spike");
        assert.equal(traffic.tunerRole, "cost", "a load file named spike is still real traffic");
    });

    it("ramp is settled by preview's checks, so the tuner plays it last, after the tests and the day", () => {
        assert.deepEqual(
            tunerProfiles(1).map((each) => each.name),
            ["spike", "oscillating", "day", "ramp"],
        );
        assert.equal(profile("ramp").settledByChecks, true);
        assert.equal(profile("spike").settledByChecks, false);
    });
});

describe("profiles: the load each gives", () => {
    const gateway = serviceModel(stackConfig("production"), "api-gateway");

    it("spike steps from base (min x capacity) to twice that for 20 minutes", () => {
        const spike = profile("spike");
        assert.deepEqual(
            [0, 599, 600, 1799, 1800].map((t) => spike.load(gateway, 0, t)),
            [200, 200, 400, 400, 200],
        );
        assert.deepEqual(spike.steps, [600]);
    });

    it("peak holds every service at its maxReplicas' load; oscillating alternates every 5 minutes", () => {
        assert.equal(profile("peak").load(gateway, 0, 600), 800);
        const oscillating = profile("oscillating");
        assert.deepEqual(
            [0, 300, 600, 900].map((t) => oscillating.load(gateway, 0, t)),
            [200, 400, 200, 400],
        );
    });

    it("the day's noise is seeded: same seed, same load; another seed, another load", () => {
        const a = dayProfile(8, 1).load(gateway, 0, 5000);
        assert.equal(dayProfile(8, 1).load(gateway, 0, 5000), a);
        assert.notEqual(dayProfile(8, 2).load(gateway, 0, 5000), a);
        const random = mulberry32(42);
        assert.ok([random(), random()].every((value) => value >= 0 && value < 1));
    });

    it("a CSV gives one service's load (seconds,load) or one column per service, linear between rows", () => {
        const one = csvProfile("seconds,load\n0,100\n60,300\n", ["api-gateway"], "api-gateway");
        assert.equal(one.durationSeconds, 60);
        assert.equal(one.load(gateway, 0, 30), 200);
        const many = csvProfile("seconds,api-gateway\n0,50\n120,50\n", ["api-gateway", "web-dashboard"]);
        assert.equal(many.load(gateway, 0, 60), 50);
        assert.throws(() => csvProfile("0,1\n", ["api-gateway"]), /name it with --service/);
        assert.throws(() => csvProfile("seconds,api-gatway\n0,1\n", ["api-gateway"]), /unknown services: api-gatway/);
    });
});

const response = (result: unknown[], resultType = "matrix") =>
    JSON.stringify({ status: "success", data: { resultType, result } });

describe("prometheusProfile: a Prometheus query_range response as --load", () => {
    const config = stackConfig("production");
    const model = (name: string) => serviceModel(config, name);

    it("maps each series to the service its `service` label names, time from the first sample, linear between samples", () => {
        const loaded = prometheusProfile(fs.readFileSync(PROMETHEUS_LOAD_FIXTURE, "utf8"), PRODUCTION_SERVICES);
        assert.equal(loaded.durationSeconds, 30 * 60);
        const gateway = PRODUCTION_SERVICES.indexOf("api-gateway");
        assert.equal(loaded.load(model("api-gateway"), gateway, 0), 200);
        assert.equal(loaded.load(model("api-gateway"), gateway, 10 * 60), 500);
        assert.equal(loaded.load(model("api-gateway"), gateway, 9.5 * 60), 350, "halfway between 200 and 500");
    });

    it("adds up the series of one service (one per pod)", () => {
        const loaded = prometheusProfile(fs.readFileSync(PROMETHEUS_LOAD_FIXTURE, "utf8"), PRODUCTION_SERVICES);
        assert.equal(loaded.load(model("model-orchestration"), 1, 0), 60);
        assert.equal(loaded.load(model("model-orchestration"), 1, 30 * 60), 120);
    });

    it("leaves a service without a series at its base load (minReplicas x capacityPerPod)", () => {
        const loaded = prometheusProfile(fs.readFileSync(PROMETHEUS_LOAD_FIXTURE, "utf8"), PRODUCTION_SERVICES);
        assert.equal(loaded.load(model("agent-orchestrator"), 0, 600), 3 * 300);
    });

    it("another label names the service with --label", () => {
        const loaded = prometheusProfile(
            response([
                {
                    metric: { app: "api-gateway" },
                    values: [
                        [100, "7"],
                        [160, "9"],
                    ],
                },
            ]),
            PRODUCTION_SERVICES,
            "app",
        );
        assert.equal(loaded.load(model("api-gateway"), 2, 30), 8);
    });

    it("a series without the label is an error that shows its labels and how to fix the query", () => {
        assert.throws(
            () => prometheusProfile(response([{ metric: { pod: "x" }, values: [[0, "1"]] }]), PRODUCTION_SERVICES),
            /series 0 \(\{pod="x"\}\) has no "service" label to name its service: aggregate by it \(sum by \(service\) \(\.\.\.\)\) or name the label with --label/,
        );
    });

    it("a series naming no service of the stack is an error that lists them", () => {
        assert.throws(
            () =>
                prometheusProfile(
                    response([{ metric: { service: "billing" }, values: [[0, "1"]] }]),
                    PRODUCTION_SERVICES,
                ),
            /names unknown service billing; services: agent-orchestrator, model-orchestration, api-gateway, web-dashboard/,
        );
    });

    it("refuses an instant query (vector), a failed response, and values Prometheus would not send", () => {
        assert.throws(
            () => prometheusProfile(response([], "vector"), PRODUCTION_SERVICES),
            /must hold a matrix result \(a query_range response\); got resultType "vector"/,
        );
        assert.throws(
            () =>
                prometheusProfile(
                    JSON.stringify({ status: "error", errorType: "bad_data", error: "parse error" }),
                    PRODUCTION_SERVICES,
                ),
            /failed Prometheus response \(status "error": bad_data: parse error\)/,
        );
        assert.throws(
            () =>
                prometheusProfile(
                    response([{ metric: { service: "api-gateway" }, values: [[0, "NaN"]] }]),
                    PRODUCTION_SERVICES,
                ),
            /value 0 \(\[0,"NaN"\]\) must be \[unix seconds, "non-negative number"\]/,
        );
        assert.throws(() => prometheusProfile(response([]), PRODUCTION_SERVICES), /holds no series/);
    });
});
