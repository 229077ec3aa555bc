// The on-demand price table (catalog/prices.ts) and its override, simulation.tuning.prices.
import { strict as assert } from "assert";
import { parseConfig } from "../../config";
import { HOURS_PER_MONTH, hourlyPrice, ON_DEMAND_PRICES } from "../../catalog/prices";
import { INSTANCE_TYPES } from "../../capacity/instance-types";
import { fixtureStack } from "../helpers/stacks";

describe("catalog/prices", () => {
    it("prices every instance type of the capacity table, and the table holds no c5.8xlarge, which EC2 does not sell", () => {
        const unpriced = Object.keys(INSTANCE_TYPES).filter((type) => hourlyPrice(type) === undefined);
        assert.deepEqual(unpriced, []);
        // c5 goes from 4xlarge to 9xlarge (EC2 "Compute optimized instances"); the other families of the table have an 8xlarge.
        assert.equal("c5.8xlarge" in INSTANCE_TYPES, false);
        assert.equal("c6i.8xlarge" in INSTANCE_TYPES, true);
        assert.deepEqual(
            Object.keys(ON_DEMAND_PRICES).filter((type) => !(type in INSTANCE_TYPES)),
            [],
            "no price for a type the capacity table lacks",
        );
    });

    it("holds us-east-1's Linux on-demand rates (Karpenter v1.14.1's table from the AWS Price List API)", () => {
        // Rates as AWS lists them for us-east-1 (zz_generated.pricing_aws.go, generated 2026-07-06).
        assert.equal(hourlyPrice("m6i.xlarge"), 0.192);
        assert.equal(hourlyPrice("m6i.2xlarge"), 0.384);
        assert.equal(hourlyPrice("m7g.large"), 0.0816);
        assert.equal(hourlyPrice("t3.medium"), 0.0416);
    });

    it("a price of simulation.tuning.prices wins over the table, and adds types the table lacks", () => {
        assert.equal(hourlyPrice("m6i.xlarge", { "m6i.xlarge": 0.2 }), 0.2);
        assert.equal(hourlyPrice("x2idn.metal", { "x2idn.metal": 13.338 }), 13.338);
        assert.equal(hourlyPrice("x2idn.metal"), undefined);
    });

    it("a month is 730 hours (365 x 24 / 12)", () => {
        assert.equal(HOURS_PER_MONTH, (365 * 24) / 12);
    });
});

describe("simulation.tuning.prices", () => {
    it("simulation.tuning.prices rejects a price of 0 and a malformed type, naming the key", () => {
        const file = fixtureStack("production");
        const raw = structuredClone(file.projectConfig) as Record<string, any>;
        raw.simulation = { tuning: { prices: { "m6i.xlarge": 0, "not a type": 1 } } };
        const result = parseConfig(raw, file.context);
        assert.equal(result.ok, false);
        const errors = result.ok ? [] : result.errors;
        assert.ok(
            errors.some((error) =>
                /^berrys-platform:simulation\.tuning\.prices\.m6i\.xlarge \(0\) must be > 0/.test(error),
            ),
            errors.join("\n"),
        );
        assert.ok(
            errors.some((error) => /simulation\.tuning\.prices.*not a type.*must be an EC2 instance type/.test(error)),
            errors.join("\n"),
        );
    });
});
