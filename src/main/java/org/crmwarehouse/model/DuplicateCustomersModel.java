package org.crmwarehouse.model;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.apache.commons.text.similarity.JaroWinklerSimilarity;
import org.apache.commons.text.similarity.LevenshteinDistance;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.transform.JavaModel;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * mart_duplicate_customers: scores the candidate pairs of int_duplicate_candidates (the SQL blocking
 * step, so no customer is compared with every other) with string similarity on Unicode code points
 * (Apache Commons Text), right for Chinese names where DuckDB's levenshtein counts UTF-8 bytes.
 *
 * <p>Names are normalised before comparing: NFKC (full-width letters and digits become ordinary
 * ones), lower case, and everything that is not a letter or digit removed (spaces, punctuation,
 * middle dots); Chinese characters are letters and stay. name_similarity = 1 - Levenshtein distance
 * / length of the longer normalised name, in code points. Rules, first match wins: phone_and_name
 * (same phone key, similarity >= dup_name_similarity_with_contact), email (same e-mail, same
 * threshold), name_and_city (same city, similarity >= dup_name_similarity_min and the same birth
 * date or address: a common name in a big city alone is not evidence). Rows are written with pairs
 * owned by two different salespeople first, then by similarity.
 */
public final class DuplicateCustomersModel implements JavaModel {
    public static final String NAME = "mart_duplicate_customers";
    private static final LevenshteinDistance LEVENSHTEIN = LevenshteinDistance.getDefaultInstance();
    private static final JaroWinklerSimilarity JARO_WINKLER = new JaroWinklerSimilarity();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<String> dependencies() {
        return Set.of("int_duplicate_candidates");
    }

    /** A scored candidate pair: a row of the mart (the name similarity and Jaro-Winkler unrounded). */
    public record Pair(String customerId, String duplicateId, String name, String duplicateName, String rule,
            double similarity, double jaroWinkler, boolean phoneMatch, boolean emailMatch, boolean sameCity,
            boolean sameBirthDate, boolean sameAddress, String owner, String duplicateOwner, boolean claimConflict) {}

    @Override
    public void build(Connection db) throws SQLException {
        double withContact, min;
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT dup_name_similarity_with_contact, dup_name_similarity_min FROM run_parameters")) {
            rs.next();
            withContact = rs.getDouble(1);
            min = rs.getDouble(2);
        }
        List<Pair> pairs;
        // Each customer's attributes are read (and normalised) once, not once per candidate pair:
        // fetching every pair's 16 columns over JDBC cost more than all the scoring. The pairs then
        // come as two row numbers into that list and the exact-equality flags, computed by the engine.
        List<Customer> customers = new ArrayList<>();
        Db.execute(db, "CREATE OR REPLACE TEMP TABLE dup_customer_index AS SELECT row_number() OVER (ORDER BY"
                + " customer_id) - 1 AS ix, * FROM (SELECT customer_id, name, city, address, owner_salesperson"
                + " FROM int_duplicate_candidates UNION SELECT duplicate_customer_id, duplicate_name,"
                + " duplicate_city, duplicate_address, duplicate_owner_salesperson FROM int_duplicate_candidates)");
        try {
            try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT ix, customer_id, name, city, address, owner_salesperson FROM dup_customer_index ORDER BY ix")) {
                while (rs.next()) {
                    if (rs.getLong(1) != customers.size()) {
                        throw new IllegalStateException("int_duplicate_candidates: customer " + rs.getString(2)
                                + " has more than one set of attributes");
                    }
                    customers.add(Customer.of(rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6)));
                }
            }
            for (int i = 1; i < customers.size(); i++) {
                if (customers.get(i).id().equals(customers.get(i - 1).id())) {
                    throw new IllegalStateException("int_duplicate_candidates: customer " + customers.get(i).id()
                            + " has more than one set of attributes");
                }
            }
            pairs = scorePairs(db, customers, withContact, min);
        } finally {
            Db.execute(db, "DROP TABLE IF EXISTS dup_customer_index");
        }
        pairs.sort(Comparator.comparing(Pair::claimConflict).reversed()
                .thenComparing(Comparator.comparingDouble(Pair::similarity).reversed())
                .thenComparing(Pair::customerId).thenComparing(Pair::duplicateId));
        Db.execute(db, "CREATE OR REPLACE TABLE " + NAME + " (customer_id VARCHAR, duplicate_customer_id VARCHAR,"
                + " name VARCHAR, duplicate_name VARCHAR, match_rule VARCHAR, name_similarity DECIMAL(9, 4),"
                + " jaro_winkler DECIMAL(9, 4), phone_match BOOLEAN, email_match BOOLEAN, same_city BOOLEAN,"
                + " same_birth_date BOOLEAN, same_address BOOLEAN, owner_salesperson VARCHAR,"
                + " duplicate_owner_salesperson VARCHAR, claim_conflict BOOLEAN)");
        try (DuckDBAppender out = db.unwrap(DuckDBConnection.class).createAppender(DuckDBConnection.DEFAULT_SCHEMA, NAME)) {
            for (Pair p : pairs) {
                out.beginRow().append(p.customerId()).append(p.duplicateId());
                appendNullable(out, p.name());
                appendNullable(out, p.duplicateName());
                out.append(p.rule()).append(round4(p.similarity())).append(round4(p.jaroWinkler()))
                        .append(p.phoneMatch()).append(p.emailMatch()).append(p.sameCity())
                        .append(p.sameBirthDate()).append(p.sameAddress());
                appendNullable(out, p.owner());
                appendNullable(out, p.duplicateOwner());
                out.append(p.claimConflict()).endRow();
            }
        }
    }

    /** A customer of some candidate pair: id, name as given and normalised, lower-case city, normalised address. */
    public record Customer(String id, String name, String normalisedName, String city, String address, String owner) {
        /** The customer with its attributes as int_duplicate_candidates gives them. */
        public static Customer of(String id, String name, String city, String address, String owner) {
            return new Customer(id, name, normaliseName(name), lowerTrim(city), emptyToNull(normaliseName(address)),
                    owner);
        }
    }

    private static List<Pair> scorePairs(Connection db, List<Customer> customers, double withContact, double min)
            throws SQLException {
        List<Pair> pairs = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT a.ix, b.ix, coalesce(p.phone_key = p.duplicate_phone_key, false),"
                        + " coalesce(p.email_key = p.duplicate_email_key, false),"
                        + " coalesce(p.birth_date = p.duplicate_birth_date, false)"
                        + " FROM int_duplicate_candidates p"
                        + " JOIN dup_customer_index a ON a.customer_id = p.customer_id"
                        + " JOIN dup_customer_index b ON b.customer_id = p.duplicate_customer_id")) {
            while (rs.next()) {
                Pair pair = score(customers.get(rs.getInt(1)), customers.get(rs.getInt(2)), rs.getBoolean(3),
                        rs.getBoolean(4), rs.getBoolean(5), withContact, min);
                if (pair != null) {
                    pairs.add(pair);
                }
            }
        }
        return pairs;
    }

    /**
     * One candidate pair scored: the rule it meets, or null when it meets none. {@code phone},
     * {@code email} and {@code birth} say whether the pair's phone keys, e-mail keys and birth dates
     * are equal (false when either is NULL). The Spark night scores its pairs with this too
     * (spark/SparkDuplicateScoring).
     */
    public static Pair score(Customer a, Customer b, boolean phone, boolean email, boolean birth, double withContact,
            double min) {
        boolean city = equalNonNull(a.city(), b.city());
        boolean address = equalNonNull(a.address(), b.address());
        // most candidate pairs (a name prefix in one city) can match no rule: names not compared
        if (!phone && !email && !(city && (birth || address))) return null;
        String nameA = a.normalisedName(), nameB = b.normalisedName();
        double similarity = nameSimilarity(nameA, nameB);
        String rule = phone && similarity >= withContact ? "phone_and_name"
                : email && similarity >= withContact ? "email"
                : city && similarity >= min && (birth || address) ? "name_and_city" : null;
        if (rule == null) return null;
        String[] chars = CodePoints.asChars(nameA, nameB);
        double jw = nameA.isEmpty() && nameB.isEmpty() ? 1.0 : JARO_WINKLER.apply(chars[0], chars[1]);
        String ownerA = a.owner(), ownerB = b.owner();
        return new Pair(a.id(), b.id(), a.name(), b.name(), rule, similarity, jw, phone, email, city, birth, address,
                ownerA, ownerB, ownerA != null && ownerB != null && !ownerA.equals(ownerB));
    }

    /** NFKC, lower case, only letters and digits kept (Chinese characters are letters). Null -> "". */
    static String normaliseName(String name) {
        if (name == null) return "";
        String folded = Normalizer.normalize(name, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        StringBuilder sb = new StringBuilder(folded.length());
        folded.codePoints().filter(Character::isLetterOrDigit).forEach(sb::appendCodePoint);
        return sb.toString();
    }

    /** 1 - Levenshtein distance / length of the longer string, both counted in code points; 1 for two empty names. */
    static double nameSimilarity(String a, String b) {
        int longer = Math.max(a.codePointCount(0, a.length()), b.codePointCount(0, b.length()));
        if (longer == 0) return 1.0;
        // commons-text compares chars; map each code point to one char of a private alphabet so that a
        // character outside the Basic Multilingual Plane counts once, not as two surrogates
        String[] mapped = CodePoints.asChars(a, b);
        return Math.max(0.0, 1.0 - (double) LEVENSHTEIN.apply(mapped[0], mapped[1]) / longer);
    }

    /** A similarity as the mart stores it: DECIMAL(9, 4), half up. */
    public static BigDecimal round4(double v) {
        return BigDecimal.valueOf(v).setScale(4, RoundingMode.HALF_UP);
    }

    private static boolean equalNonNull(String a, String b) {
        return a != null && Objects.equals(a, b);
    }

    private static String lowerTrim(String s) {
        return s == null ? null : emptyToNull(s.trim().toLowerCase(Locale.ROOT));
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static void appendNullable(DuckDBAppender out, String value) throws SQLException {
        if (value == null) {
            out.appendNull();
        } else {
            out.append(value);
        }
    }

    /** Maps the code points of several strings onto single chars, consistently across the strings. */
    static final class CodePoints {
        private CodePoints() {}

        static String[] asChars(String... strings) {
            boolean bmpOnly = true;
            for (String s : strings) bmpOnly &= s.codePointCount(0, s.length()) == s.length();
            if (bmpOnly) return strings;
            java.util.Map<Integer, Character> alphabet = new java.util.HashMap<>();
            String[] out = new String[strings.length];
            for (int i = 0; i < strings.length; i++) {
                StringBuilder sb = new StringBuilder();
                strings[i].codePoints().forEach(cp -> sb.append(alphabet.computeIfAbsent(cp,
                        k -> (char) (0xE000 + alphabet.size()))));
                out[i] = sb.toString();
            }
            return out;
        }
    }
}
