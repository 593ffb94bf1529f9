"""Independent Kaplan-Meier for this case: a plain running product over the distinct event times,
Greenwood sum and log-log band, from the tenures worked out by hand in README.md (not from the
SQL). Writes expected/mart_survival.csv."""
import math
subs = {  # id: (plan, contract_type, tenure_days, event)
 'S1':('basic','month-to-month',30,1),'S2':('basic','month-to-month',60,1),'S3':('basic','one_year',180,0),
 'S4':('premium','one_year',30,1),'S5':('premium','month-to-month',121,0),'S6':('premium','month-to-month',60,1),
 'S7':('basic','month-to-month',60,0),'S8':('basic','month-to-month',28,1)}
groups = [('all','all',list(subs.values()))]
for p in ['basic','premium']: groups.append(('plan',p,[v for v in subs.values() if v[0]==p]))
for c in ['month-to-month','one_year']: groups.append(('contract_type',c,[v for v in subs.values() if v[1]==c]))
rows=[]
for gt,gv,life in groups:
    times=sorted({v[2] for v in life if v[3]==1})
    s=1.0; gw=0.0; out=[]
    for t in times:
        n=sum(1 for v in life if v[2]>=t); d=sum(1 for v in life if v[2]==t and v[3]==1); c=sum(1 for v in life if v[2]==t and v[3]==0)
        s*= (1-d/n)
        if d<n: gw+= d/(n*(n-d))
        out.append([t,n,d,c,s,gw])
    med=next((o[0] for o in out if o[4]<=0.5+1e-9),None)
    for t,n,d,c,s,gw in out:
        if s>0:
            se=math.sqrt(gw)/abs(math.log(s))
            var='%.8f'%(s*s*gw); lo='%.6f'%(s**math.exp(1.959964*se)); hi='%.6f'%(s**math.exp(-1.959964*se))
        else: var=lo=hi=''
        rows.append(','.join(map(str,['subscriptions',gt,gv,t,n,d,c,'%.6f'%s,var,lo,hi,med if med is not None else '',len(life),sum(v[3] for v in life)])))
with open('expected/mart_survival.csv','w') as f:
    f.write('basis,group_type,group_value,time_days,n_at_risk,n_events,n_censored,survival,greenwood_variance,ci_lower,ci_upper,median_lifetime_days,group_customers,group_events\n')
    f.write('\n'.join(rows)+'\n')
