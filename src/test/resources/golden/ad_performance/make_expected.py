"""Independent computation of expected/mart_ad_performance.csv from ad_performance.csv.

Written from the mart's documented rules, not from its SQL: every level (ad, ad group, campaign,
account) x period (day, ISO week from Monday, month) with rows; ids above the level '(all)', NULL
ids '(none)'; a sum over any unknown spend or conversions is unknown; every ratio with a zero or
unknown denominator (or unknown numerator) is unknown; ratios rounded half up (rates to 6
decimals, money to 4). Run: python3 make_expected.py > expected/mart_ad_performance.csv
"""
import csv
import datetime as dt
from decimal import Decimal, ROUND_HALF_UP

rows = list(csv.DictReader(open("ad_performance.csv")))
LEVELS = {"ad": 4, "ad_group": 3, "campaign": 2, "account": 1}


def period_start(day, kind):
    if kind == "day":
        return day
    if kind == "week":
        return day - dt.timedelta(days=day.weekday())
    return day.replace(day=1)


def ratio(a, b, places, scale=1):
    if a is None or b is None or b == 0:
        return ""
    return str((Decimal(a) * scale / Decimal(b)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP))


groups = {}
for r in rows:
    day = dt.date.fromisoformat(r["date"])
    path = [r["account_id"] or "(none)", r["campaign_id"] or "(none)", r["ad_group_id"] or "(none)", r["ad_id"]]
    for kind in ("day", "week", "month"):
        for level, depth in LEVELS.items():
            ids = path[:depth] + ["(all)"] * (4 - depth)
            groups.setdefault((level, kind, period_start(day, kind), r["platform"], *ids), []).append(r)

out = csv.writer(open(1, "w", newline=""), lineterminator="\n")
out.writerow(["level", "period_type", "period_start", "platform", "account_id", "campaign_id", "ad_group_id",
              "ad_id", "ad_days", "impressions", "clicks", "spend", "known_spend", "unknown_spend_days",
              "conversions", "qualified_conversions", "ctr", "cpc", "cpm", "conversion_rate",
              "cost_per_conversion", "cost_per_qualified_conversion"])


def total(rs, col):
    return None if any(r[col] == "" for r in rs) else sum(Decimal(r[col]) for r in rs)


for key in sorted(groups, key=str):
    rs = groups[key]
    imp, clicks = total(rs, "impressions"), total(rs, "clicks")
    spend, conv, qual = total(rs, "spend"), total(rs, "conversions"), total(rs, "qualified_conversions")
    known = sum((Decimal(r["spend"]) for r in rs if r["spend"] != ""), Decimal(0))
    unknown = sum(1 for r in rs if r["spend"] == "")
    show = lambda v: "" if v is None else str(v)
    out.writerow([key[0], key[1], key[2].isoformat(), *key[3:], len(rs), imp, clicks, show(spend), known, unknown,
                  show(conv), show(qual), ratio(clicks, imp, 6), ratio(spend, clicks, 4), ratio(spend, imp, 4, 1000),
                  ratio(conv, clicks, 6), ratio(spend, conv, 4), ratio(spend, qual, 4)])
