#!/usr/bin/env python3
"""Prints botocore's regions, every partition's, one per line; with `apprunner`, only the
regions whose endpoint data lists App Runner (FIPS endpoints left out); with `partitions`,
each region's partition and DNS suffix, then the partitions' names. tests/plan.rs
compares them with aprc's lists (`aprc::check::REGIONS`, `APP_RUNNER_REGIONS`)."""
import sys

import botocore.session


def main() -> None:
    endpoints = botocore.session.get_session().get_data("endpoints")
    if sys.argv[1:] == ["partitions"]:
        # Each region with its partition and DNS suffix, then the partitions in order.
        for partition in endpoints["partitions"]:
            for region in sorted(partition["regions"]):
                print(region, partition["partition"], partition["dnsSuffix"])
        print(" ".join(p["partition"] for p in endpoints["partitions"]))
        return
    regions = set()
    for partition in endpoints["partitions"]:
        if sys.argv[1:] == ["apprunner"]:
            service = partition["services"].get("apprunner", {})
            regions |= {r for r in service.get("endpoints", {}) if r in partition["regions"]}
        else:
            regions |= set(partition["regions"])
    print("\n".join(sorted(regions)))


if __name__ == "__main__":
    main()
