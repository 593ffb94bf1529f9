"""Independent check of mart_churn (basis subscriptions) for this case: a day-by-day simulation of
which subscriptions are active (start_date <= d < end_date, the end counting only when it is on or
before the business date), not the SQL's interval counting. Writes expected/mart_churn.csv."""
import datetime as dt

B = dt.date(2026, 6, 30)
subs = {}  # id: (plan, contract_type, start, end or None)
for line in open('subscriptions.csv').read().splitlines()[1:]:
    f = line.split(',')
    end = dt.date.fromisoformat(f[5]) if f[5] else None
    subs[f[0]] = (f[2], f[3], dt.date.fromisoformat(f[4]), end if end and end <= B else None)

def active(s, d):
    return s[2] <= d and (s[3] is None or d < s[3])

dims = {}
for i, s in subs.items():
    for key in [('all', 'all'), ('cohort', s[2].strftime('%Y-%m')), ('plan', s[0]), ('contract_type', s[1])]:
        dims.setdefault(key, []).append(s)

rows = []
for (dim, val), members in sorted(dims.items()):
    m = min(s[2] for s in members).replace(day=1)
    while m <= B:
        nxt = (m.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        end = min(nxt - dt.timedelta(days=1), B)
        start_active = sum(active(s, m - dt.timedelta(days=1)) for s in members)
        new = sum(m <= s[2] <= end for s in members)
        churned = sum(s[3] is not None and m <= s[3] <= end for s in members)
        end_active = sum(active(s, end) for s in members)
        assert start_active + new - churned == end_active
        rate = '' if start_active == 0 else '%.4f' % round(churned / start_active, 4)
        rows.append(f'subscriptions,{dim},{val},{m},{end},{start_active},{new},0,{churned},{end_active},{rate}')
        m = nxt
with open('expected/mart_churn.csv', 'w') as out:
    out.write('basis,dimension,dimension_value,month,month_end,active_start,new_customers,reactivated,churned,'
              'active_end,churn_rate\n' + '\n'.join(rows) + '\n')
