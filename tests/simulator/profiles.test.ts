import { strict as assert } from "assert";
import { csvProfile, dayProfile, profile, PROFILE_NAMES, tunerProfiles } from "../../simulator/profiles";

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
