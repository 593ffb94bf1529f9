package org.crmwarehouse.generate;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Plants known duplicate customers, the test truth for duplicate detection: with probability duplicateRate a
 * customer gets a near-copy written right after it, as a data-entry clerk or a second salesperson would
 * re-create it: the same person or company with a typo in the name, the same phone written differently (or
 * left out), the e-mail kept, changed in case or left out, another owner salesperson and a later creation time.
 * Its id is the original's with a {@code D} suffix (C0000042 -> C0000042D). The pairs are listed in
 * {@code planted_duplicates.csv} beside the data (not an entity of the contract: test truth only).
 * The decisions use their own random stream per customer, so the other customers' rows do not change.
 */
final class DuplicatePlanter implements Closeable {
    static final String FILE = "planted_duplicates.csv";
    /** Easily confused characters for Chinese names (same sound or similar shape). */
    private static final String[][] CN_CONFUSIONS = {{"芳", "方"}, {"娜", "那"}, {"敏", "民"}, {"静", "晶"}, {"丽", "莉"},
        {"艳", "燕"}, {"娟", "涓"}, {"英", "瑛"}, {"霞", "侠"}, {"婷", "庭"}, {"伟", "玮"}, {"强", "蔷"}, {"磊", "垒"},
        {"军", "君"}, {"洋", "阳"}, {"勇", "永"}, {"杰", "洁"}, {"涛", "滔"}, {"明", "鸣"}, {"超", "潮"}, {"刚", "钢"},
        {"华", "化"}, {"王", "汪"}, {"李", "理"}, {"张", "章"}, {"刘", "柳"}, {"陈", "程"}, {"杨", "阳"}, {"黄", "皇"},
        {"赵", "照"}, {"吴", "伍"}, {"周", "舟"}, {"徐", "许"}, {"孙", "荪"}, {"马", "玛"}, {"朱", "珠"}, {"胡", "湖"},
        {"郭", "国"}, {"何", "和"}, {"林", "琳"}, {"罗", "萝"}, {"高", "皋"}, {"达", "大"}, {"美", "每"}, {"源", "元"},
        {"建", "健"}, {"城", "成"}};

    private final GeneratorOptions options;
    private final Timeline time;
    private final CsvTable customers;
    private final CsvWriter truth;

    DuplicatePlanter(GeneratorOptions options, Timeline time, CsvTable customers, Path truthFile) throws IOException {
        this.options = options;
        this.time = time;
        this.customers = customers;
        this.truth = new CsvWriter(truthFile, List.of("customer_id", "duplicate_customer_id", "variation"));
    }

    void maybePlant(CustomerContext c, String[] original) throws IOException {
        SplittableRandom r = new SplittableRandom(Sampling.mix(options.seed(), 21, c.index));
        if (r.nextDouble() >= options.duplicateRate()) return;
        String[] copy = original.clone();
        copy[0] = original[0] + "D";
        StringBuilder variation = new StringBuilder();
        copy[1] = typo(r, original[1]);
        variation.append("name");
        String digits = original[3].replaceAll("[^0-9]", "");
        if (!digits.isEmpty()) {
            String local = digits.length() > 11 ? digits.substring(digits.length() - 11) : digits;
            copy[3] = switch (r.nextInt(4)) {
                case 0 -> "+86-" + local;
                case 1 -> "(" + local.substring(0, 3) + ") " + local.substring(3, 7) + "-" + local.substring(7);
                case 2 -> "0086 " + local;
                default -> local.substring(0, 3) + "." + local.substring(3, 7) + "." + local.substring(7);
            };
            if (r.nextDouble() < 0.1) copy[3] = "";
            variation.append(copy[3].isEmpty() ? ",no_phone" : ",phone_format");
        }
        if (!original[4].isEmpty()) {
            double u = r.nextDouble();
            if (u < 0.25) {
                copy[4] = "";
                variation.append(",no_email");
            } else if (u < 0.5) {
                copy[4] = original[4].toUpperCase();
                variation.append(",email_case");
            }
        }
        copy[19] = ""; // referrer: the clerk did not know it
        copy[21] = differentOwner(r, original[21]);
        variation.append(",owner");
        long createdSec = c.createdSec + (long) (r.nextDouble() * (time.endSec - 3600 - c.createdSec));
        copy[23] = Fmt.timestamp(createdSec);
        customers.write(copy);
        truth.writeRow(new String[] {original[0], copy[0], variation.toString()});
    }

    private String differentOwner(SplittableRandom r, String owner) {
        if (time.salespeople < 2) return owner;
        String other;
        do {
            other = time.salesperson(r.nextInt(time.salespeople));
        } while (other.equals(owner));
        return other;
    }

    /** One typo: a confusable Chinese character, or for Latin script a dropped, doubled or swapped letter. */
    static String typo(SplittableRandom r, String name) {
        int[] cps = name.codePoints().toArray();
        if (cps.length == 0) return name;
        if (Character.UnicodeScript.of(cps[0]) == Character.UnicodeScript.HAN) {
            for (int attempt = 0; attempt < 8; attempt++) {
                int at = r.nextInt(cps.length);
                String ch = new String(Character.toChars(cps[at]));
                for (String[] pair : CN_CONFUSIONS) {
                    if (pair[0].equals(ch)) {
                        cps[at] = pair[1].codePointAt(0);
                        return new String(cps, 0, cps.length);
                    }
                }
            }
            // no confusable character: the given name written with a space, as some forms do
            return name.substring(0, 1) + " " + name.substring(1);
        }
        StringBuilder sb = new StringBuilder(name);
        int at;
        int tries = 0;
        do {
            at = 1 + r.nextInt(Math.max(1, sb.length() - 2));
        } while (!Character.isLetter(sb.charAt(Math.min(at, sb.length() - 1))) && ++tries < 10);
        at = Math.min(at, sb.length() - 1);
        switch (r.nextInt(3)) {
            case 0 -> sb.deleteCharAt(at);
            case 1 -> sb.insert(at, sb.charAt(at));
            default -> {
                if (at + 1 < sb.length()) {
                    char a = sb.charAt(at);
                    sb.setCharAt(at, sb.charAt(at + 1));
                    sb.setCharAt(at + 1, a);
                } else {
                    sb.deleteCharAt(at);
                }
            }
        }
        return sb.toString();
    }

    @Override
    public void close() throws IOException {
        truth.close();
    }
}
