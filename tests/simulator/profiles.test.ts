import { strict as assert } from "assert";
import { csvProfile, dayProfile, mulberry32, profile, PROFILE_NAMES, tunerProfiles } from "../../simulator/profiles";
import { serviceModel } from "../../simulator/service-model";
import { stackConfig } from "../helpers/stacks";

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
