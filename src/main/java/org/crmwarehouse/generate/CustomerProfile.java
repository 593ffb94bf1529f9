package org.crmwarehouse.generate;

import static org.crmwarehouse.generate.Demography.*;

import java.io.IOException;
import java.util.SplittableRandom;

/** The customer master row: a person (most) or a company, with plausible demographics. */
final class CustomerProfile {
    private final Timeline time;
    private final CsvTable customers;

    CustomerProfile(Timeline time, CsvTable customers) {
        this.time = time;
        this.customers = customers;
    }

    /** Picks where the customer lives; done before orders, whose departments depend on it. */
    static void place(CustomerContext c) {
        c.region = Sampling.pick(c.random, REGION_CUMULATIVE);
        c.city = pick(c.random, CITIES[c.region]);
    }

    /** Writes the customer row and returns it (the duplicate planter copies it). */
    String[] write(CustomerContext c) throws IOException {
        SplittableRandom r = c.random;
        boolean company = r.nextDouble() < 0.12;
        String name, email = "", gender = "", birth = "", marital = "", lifeStage = "", occupation, importantDate = "",
                importantLabel = "", address;
        int income;
        String motive;
        String mailUser;
        if (company) {
            boolean chinese = r.nextDouble() < 0.4;
            name = chinese ? pick(r, CN_COMPANIES) : pick(r, COMPANY_STEMS) + " " + pick(r, COMPANY_FORMS);
            mailUser = "info";
            occupation = pick(r, INDUSTRIES);
            income = 2 + r.nextInt(3);
            motive = pick(r, new String[] {"investment", "replacement", "other", "upgrade"});
            if (r.nextDouble() < 0.3) {
                importantDate = Fmt.date(time.endDay - 365L * (2 + r.nextInt(30)) - r.nextInt(365));
                importantLabel = "company founding day";
            }
        } else {
            double g = r.nextDouble();
            gender = g < 0.49 ? "F" : g < 0.98 ? "M" : "X";
            boolean female = gender.equals("F") || (gender.equals("X") && r.nextBoolean());
            if (r.nextDouble() < 0.65) {
                String[] sur = CN_SURNAMES[r.nextInt(CN_SURNAMES.length)];
                String[][] givens = female ? CN_GIVEN_F : CN_GIVEN_M;
                String[] given = givens[r.nextInt(givens.length)];
                name = sur[0] + given[0];
                mailUser = given[1] + "." + sur[1];
            } else {
                String given = pick(r, female ? LATIN_GIVEN_F : LATIN_GIVEN_M);
                String sur = pick(r, LATIN_SURNAMES);
                name = r.nextDouble() < 0.1 ? sur + ", " + given : given + " " + sur;
                mailUser = (given + "." + sur).toLowerCase().replaceAll("[^a-z.]", "");
            }
            int age = 20 + (int) (60 * (r.nextDouble() + r.nextDouble()) / 2); // triangular, peak near 50
            long birthDay = time.endDay - 365L * age - r.nextInt(365);
            birth = r.nextDouble() < 0.97 ? Fmt.date(birthDay) : "";
            marital = maritalStatus(r, age);
            lifeStage = lifeStage(r, age);
            occupation = age >= 62 ? "retired" : age < 23 ? "student" : pick(r, OCCUPATIONS);
            income = Sampling.pick(r, INCOME_CUMULATIVE);
            motive = MOTIVES[Sampling.pick(r, MOTIVE_CUMULATIVE)];
            if (r.nextDouble() < 0.25) {
                boolean anniversary = marital.equals("married");
                importantDate = Fmt.date(time.endDay - 365L * (1 + r.nextInt(anniversary ? Math.max(1, age - 22) : 15)) - r.nextInt(365));
                importantLabel = anniversary ? "wedding anniversary" : "child's birthday";
            }
        }
        if (r.nextDouble() < 0.8) email = mailUser + (10 + r.nextInt(90)) + "@" + pick(r, EMAIL_DOMAINS);
        String phone = r.nextDouble() < 0.95 ? mobile(r) : "";
        boolean cnAddress = r.nextDouble() < 0.5;
        int number = 1 + r.nextInt(300);
        address = r.nextDouble() < 0.1 ? "" : cnAddress ? pick(r, CN_STREETS) + number + "号"
                : (r.nextDouble() < 0.2 ? "Unit " + (1 + r.nextInt(20)) + ", " : "") + number + " " + pick(r, STREETS);
        long creditYuan = Math.round(CREDIT_BY_INCOME[income] * (company ? 10 : 1) * (0.5 + r.nextDouble()) / 1000) * 1000;
        String renewal = r.nextDouble() < 0.3
                ? Fmt.date(Timeline.day(c.createdSec) + 365L * (1 + r.nextInt(3)) + r.nextInt(60)) : "";
        String churn = c.droppedOut && c.lastOrderSec < time.endSec - 365 * Timeline.DAY && r.nextDouble() < 0.5
                ? pick(r, BehaviourModel.CHURN_REASONS) : "";
        String referrer = c.referrerIndex >= 0 ? time.customerId(c.referrerIndex) : "";
        String[] row = {c.id, name, company ? "company" : "person", phone, email, address, c.city, REGIONS[c.region],
                gender, birth, marital, INCOME_BANDS[income], occupation, lifeStage, motive, importantDate, importantLabel,
                renewal, BehaviourModel.CHANNELS[c.channel].name(), referrer, Fmt.money(creditYuan * 100), c.owner, churn,
                Fmt.timestamp(c.createdSec)};
        customers.write(row);
        return row;
    }
}
