package org.crmwarehouse.generate;

import static org.crmwarehouse.generate.BehaviourModel.*;

import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;

/** A few logged contacts per customer; some carry a follow-up date, several of them around the business date. */
final class ContactLog {
    private final Timeline time;
    private final CsvTable contacts;
    private final long[] times = new long[16];

    ContactLog(Timeline time, CsvTable contacts) {
        this.time = time;
        this.contacts = contacts;
    }

    void write(CustomerContext c) throws IOException {
        SplittableRandom r = c.random;
        int n = Math.min(times.length, 1 + Sampling.poisson(r, 2.0));
        long span = time.endSec - c.createdSec;
        for (int i = 0; i < n; i++) times[i] = c.createdSec + (long) (r.nextDouble() * span);
        Arrays.sort(times, 0, n);
        for (int i = 0; i < n; i++) {
            long day = Timeline.day(times[i]);
            String next = "";
            if (i == n - 1 && r.nextDouble() < 0.15) next = Fmt.date(time.endDay - 3 + r.nextInt(11)); // reminders due now
            else if (r.nextDouble() < 0.25) next = Fmt.date(day + 1 + r.nextInt(30));
            String seller = r.nextDouble() < 0.9 ? c.owner : time.salesperson(r.nextInt(time.salespeople));
            contacts.write("T" + c.pad + "-" + (i + 1), c.id, CONTACT_CHANNELS[Sampling.pick(r, CONTACT_CHANNEL_CUMULATIVE)],
                    Fmt.timestamp(times[i]), seller, CONTACT_SUMMARIES[r.nextInt(CONTACT_SUMMARIES.length)], next);
        }
    }
}
