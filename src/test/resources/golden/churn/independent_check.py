# Independent check: day-by-day active status (not spells) and KM by direct products.
import csv, math, os
HERE = os.path.dirname(os.path.abspath(__file__)) + '/'
from datetime import date, timedelta
W=60; BD=date(2026,6,30)
cust={r['customer_id']:r for r in csv.DictReader(open(HERE+'customers.csv'))}
sales={}
firstch={}
for r in sorted(csv.DictReader(open(HERE+'orders.csv')), key=lambda r:r['order_time']):
    if r['order_type']!='sale': continue
    d=date.fromisoformat(r['order_time'][:10]); sales.setdefault(r['customer_id'],[]).append(d)
    firstch.setdefault(r['customer_id'], r['channel'] or None)
def active(c,d): return any(p<=d<p+timedelta(W) for p in sales[c])
# Current RFM segment and value tier, worked out by hand in README.md (not read from the models)
SEGMENT={'C1':'hibernating','C2':'at risk','C3':'need attention','C4':'hibernating','C5':'potential loyalists','C6':'at risk','C7':'loyal','C8':'potential loyalists'}
TIER={'C1':'small','C2':'small','C3':'ordinary','C4':'ordinary','C5':'small','C6':'ordinary','C7':'major','C8':'small'}
dims={}
for c in sales:
    fp=min(sales[c]); 
    ch=cust[c]['acquisition_channel'] or firstch[c] or '(none)'
    for k,v in [('all','all'),('cohort',fp.strftime('%Y-%m')),('channel',ch),('rfm_segment',SEGMENT[c]),('value_tier',TIER[c]),('region',cust[c]['region'] or '(none)'),('salesperson',cust[c]['owner_salesperson'] or '(none)')]:
        dims.setdefault((k,v),[]).append(c)
rows=[]
for (k,v),cs in dims.items():
    first=min(min(sales[c]) for c in cs).replace(day=1)
    m=first
    while m<=BD:
        nm=(m.replace(day=28)+timedelta(4)).replace(day=1); me=min(nm-timedelta(1),BD)
        a_s=sum(active(c,m-timedelta(1)) for c in cs); a_e=sum(active(c,me) for c in cs)
        new=re=ch_=0
        d=m
        while d<=me:
            for c in cs:
                was=active(c,d-timedelta(1)); now=active(c,d)
                if not was and now:
                    if d==min(sales[c]): new+=1
                    else: re+=1
                if was and not now: ch_+=1
            d+=timedelta(1)
        rate='' if a_s==0 else f"{ch_/a_s:.4f}"
        rows.append([k,v,m.isoformat(),me.isoformat(),a_s,new,re,ch_,a_e,rate]); m=nm
with open(HERE+'expected/mart_churn.csv','w',newline='') as f:
    w=csv.writer(f); w.writerow('dimension,dimension_value,month,month_end,active_start,new_customers,reactivated,churned,active_end,churn_rate'.split(','))
    w.writerows(rows)
# KM
life={}
for c in sales:
    last=max(sales[c]); fp=min(sales[c]); ce=last+timedelta(W)
    ev= ce<=BD; life[c]=((ce if ev else BD)-fp).days, ev
    print(c, life[c])
groups={('all','all'):list(sales)}
for c in sales: groups.setdefault(('channel', cust[c]['acquisition_channel'] or firstch[c] or '(none)'),[]).append(c)
out=[]
for (gt,gv),cs in groups.items():
    times=sorted({life[c][0] for c in cs if life[c][1]})
    S=1.0; gw=0.0; zero=False; rowsg=[]
    for t in times:
        n=sum(life[c][0]>=t for c in cs); d=sum(life[c][0]==t and life[c][1] for c in cs); cen=sum(life[c][0]==t and not life[c][1] for c in cs)
        S*= (1-d/n)
        if d==n: zero=True
        else: gw+=d/(n*(n-d))
        if zero: var=lo=hi=''
        else:
            var=f"{S*S*gw:.8f}"; se=math.sqrt(gw)/abs(math.log(S)); lo=f"{S**math.exp(1.959964*se):.6f}"; hi=f"{S**math.exp(-1.959964*se):.6f}"
        rowsg.append([gt,gv,t,n,d,cen,f"{S:.6f}",var,lo,hi]); print(gt,gv,t,n,d,S,gw,var,lo,hi)
    med=next((r[2] for r in rowsg if float(r[6])<=0.5),'')
    for r in rowsg: out.append(r+[med,len(cs),sum(life[c][1] for c in cs)])
with open(HERE+'expected/mart_survival.csv','w',newline='') as f:
    w=csv.writer(f); w.writerow('group_type,group_value,time_days,n_at_risk,n_events,n_censored,survival,greenwood_variance,ci_lower,ci_upper,median_lifetime_days,group_customers,group_events'.split(','))
    w.writerows(out)
