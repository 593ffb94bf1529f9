# Writes leads.csv and funnel_events.csv of this golden case (run once; the CSVs are committed).
# 209 leads of campaign K1, each created and called on 2026-03-02; leads 1-27 get a deal of 20,000
# (1-9 on 03-03, 10-18 on 03-05, 19-27 on 03-09); leads 28-209 (182) a lost event on 03-04.
with open("leads.csv", "w") as f:
    f.write("lead_id,created_at,source_channel,campaign_id,owner_salesperson,status\n")
    for i in range(1, 210):
        f.write(f"L{i:03d},2026-03-02 10:00:00,advertising,K1,S1,{'won' if i <= 27 else 'lost'}\n")
with open("funnel_events.csv", "w") as f:
    f.write("event_id,lead_id,event_type,event_time,salesperson,reason,amount\n")
    for i in range(1, 210):
        f.write(f"C{i:03d},L{i:03d},call,2026-03-02 10:00:00,S1,,\n")
    for i in range(1, 28):
        day = "03" if i <= 9 else "05" if i <= 18 else "09"
        f.write(f"D{i:03d},L{i:03d},deal,2026-03-{day} 12:00:00,S1,,20000\n")
    for i in range(28, 210):
        f.write(f"X{i:03d},L{i:03d},lost,2026-03-04 12:00:00,S1,{'price' if i % 2 else 'competitor'},\n")
