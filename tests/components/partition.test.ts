// The region's partition (components/partition.ts): the program builds arn:aws: ARNs, so preview
// refuses a region of another partition, naming aws:region.
import { strict as assert } from "assert";
import { PARTITIONS, partitionOf } from "../../components/partition";
import { errorLines } from "../helpers/bad-configs";

describe("partitionOf: the region's partition, as the SDKs' partitions.json names it", () => {
    it("commercial, GovCloud, China and the isolated partitions; undefined for a name none matches", () => {
        assert.equal(partitionOf("us-east-1"), "aws");
        assert.equal(partitionOf("eu-central-2"), "aws");
        assert.equal(partitionOf("us-gov-west-1"), "aws-us-gov");
        assert.equal(partitionOf("cn-north-1"), "aws-cn");
        assert.equal(partitionOf("us-iso-east-1"), "aws-iso");
        assert.equal(partitionOf("us-isob-east-1"), "aws-iso-b");
        assert.equal(partitionOf("moon-base-1"), undefined);
    });
});

describe("PARTITIONS", () => {
    it("a region of each partition matches that partition's regex alone, so the search order does not matter", () => {
        const regions: Record<string, string> = {
            aws: "us-east-1",
            "aws-cn": "cn-north-1",
            "aws-us-gov": "us-gov-west-1",
            "aws-iso": "us-iso-east-1",
            "aws-iso-b": "us-isob-east-1",
            "aws-iso-e": "eu-isoe-west-1",
            "aws-iso-f": "us-isof-south-1",
            "aws-eusc": "eusc-de-east-1",
        };
        assert.deepEqual(PARTITIONS.map((entry) => entry.partition).sort(), Object.keys(regions).sort());
        for (const [partition, region] of Object.entries(regions)) {
            const matching = PARTITIONS.filter((entry) => entry.regionRegex.test(region)).map(
                (entry) => entry.partition,
            );
            assert.deepEqual(matching, [partition], region);
        }
    });
});

describe("partitionCheck: preview refuses a region outside the aws partition", () => {
    it("GovCloud and China are refused with the region and its partition; a commercial region passes", () => {
        assert.deepEqual(
            errorLines(() => undefined, "us-gov-west-1"),
            [
                "aws:region (us-gov-west-1) must be a region of the aws partition, not aws-us-gov: the program's ARNs use arn:aws:",
            ],
        );
        assert.deepEqual(
            errorLines(() => undefined, "cn-northwest-1"),
            [
                "aws:region (cn-northwest-1) must be a region of the aws partition, not aws-cn: the program's ARNs use arn:aws:",
            ],
        );
        assert.deepEqual(
            errorLines(() => undefined, "eu-west-1"),
            [],
        );
    });
});
