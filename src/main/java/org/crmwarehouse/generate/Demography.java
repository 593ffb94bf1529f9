package org.crmwarehouse.generate;

import java.util.SplittableRandom;

/** Vocabularies for plausible customer master data: a mix of Chinese and Latin-script people and companies. */
final class Demography {
    private Demography() {}

    // Chinese surname with its pinyin, used for e-mail addresses.
    static final String[][] CN_SURNAMES = {{"王", "wang"}, {"李", "li"}, {"张", "zhang"}, {"刘", "liu"}, {"陈", "chen"},
        {"杨", "yang"}, {"黄", "huang"}, {"赵", "zhao"}, {"吴", "wu"}, {"周", "zhou"}, {"徐", "xu"}, {"孙", "sun"},
        {"马", "ma"}, {"朱", "zhu"}, {"胡", "hu"}, {"郭", "guo"}, {"何", "he"}, {"林", "lin"}, {"罗", "luo"}, {"高", "gao"}};
    static final String[][] CN_GIVEN_F = {{"芳", "fang"}, {"娜", "na"}, {"敏", "min"}, {"静", "jing"}, {"丽", "li"},
        {"艳", "yan"}, {"娟", "juan"}, {"秀英", "xiuying"}, {"霞", "xia"}, {"桂英", "guiying"}, {"婷", "ting"}};
    static final String[][] CN_GIVEN_M = {{"伟", "wei"}, {"强", "qiang"}, {"磊", "lei"}, {"军", "jun"}, {"洋", "yang"},
        {"勇", "yong"}, {"杰", "jie"}, {"涛", "tao"}, {"明", "ming"}, {"超", "chao"}, {"刚", "gang"}, {"建华", "jianhua"}};
    static final String[] LATIN_GIVEN_F = {"Anna", "Maria", "Sofia", "Laura", "Emma", "Julia", "Chloe", "Grace", "Mei", "Olivia"};
    static final String[] LATIN_GIVEN_M = {"David", "Michael", "Luca", "Daniel", "Peter", "James", "Carlos", "Thomas", "Kevin", "Marco"};
    static final String[] LATIN_SURNAMES = {"Smith", "Garcia", "Müller", "Rossi", "Martin", "Brown", "Silva", "Lee",
        "Novak", "Dubois", "O'Brien", "de la Cruz", "Tan", "Wong"};
    static final String[] COMPANY_STEMS = {"Huaxin", "Jinlong", "Golden Bridge", "Orient Star", "Sunrise", "Greenfield",
        "Hongda", "Meihua", "Jinyuan", "Blue Harbour"};
    static final String[] COMPANY_FORMS = {"Trading Co., Ltd.", "Property Development Co., Ltd.", "Decoration Engineering",
        "Hotel Management", "Construction Group", "Real Estate Agency"};
    static final String[] CN_COMPANIES = {"宏达装饰工程有限公司", "华美置业有限公司", "金源贸易有限公司", "东方建设集团", "新城物业管理有限公司"};

    static final String[] REGIONS = {"East", "North", "South", "Central", "West", "Northeast"};
    static final String[][] CITIES = {{"Shanghai", "Hangzhou", "Nanjing", "Suzhou"}, {"Beijing", "Tianjin", "Shijiazhuang"},
        {"Guangzhou", "Shenzhen", "Xiamen"}, {"Wuhan", "Changsha", "Zhengzhou"}, {"Chengdu", "Chongqing", "Xi'an"},
        {"Shenyang", "Harbin", "Dalian"}};
    static final double[] REGION_CUMULATIVE = Sampling.cumulative(30, 20, 20, 12, 12, 6);
    static final String[] STREETS = {"Renmin Road", "Zhongshan Road", "Jiefang Road", "Nanjing Road", "Huaihai Road",
        "Jianshe Road", "Heping Street", "Xinhua Road"};
    static final String[] CN_STREETS = {"人民路", "中山路", "解放路", "建设路", "和平街", "新华路"};

    static final String[] OCCUPATIONS = {"teacher", "engineer", "doctor", "civil servant", "business owner", "sales",
        "IT professional", "accountant", "designer", "factory worker", "nurse", "lawyer", "driver", "chef"};
    static final String[] INDUSTRIES = {"construction", "real estate", "hospitality", "retail", "manufacturing", "property management"};
    static final String[] INCOME_BANDS = {"low", "lower_middle", "middle", "upper_middle", "high"};
    static final double[] INCOME_CUMULATIVE = Sampling.cumulative(12, 23, 35, 20, 10);
    static final long[] CREDIT_BY_INCOME = {0, 5_000, 20_000, 50_000, 150_000}; // yuan, scaled up for companies
    static final String[] MOTIVES = {"first_home", "upgrade", "investment", "replacement", "other"};
    static final double[] MOTIVE_CUMULATIVE = Sampling.cumulative(30, 30, 10, 22, 8);
    static final String[] EMAIL_DOMAINS = {"qq.com", "163.com", "126.com", "gmail.com", "outlook.com", "example.com"};

    static String pick(SplittableRandom r, String[] values) {
        return values[r.nextInt(values.length)];
    }

    static String mobile(SplittableRandom r) {
        long digits = 130_0000_0000L + (long) (r.nextDouble() * 59_9999_9999L);
        String s = Long.toString(digits);
        return switch (r.nextInt(4)) {
            case 0 -> "+86 " + s;
            case 1 -> s.substring(0, 3) + " " + s.substring(3, 7) + " " + s.substring(7);
            default -> s;
        };
    }

    static String lifeStage(SplittableRandom r, int age) {
        if (r.nextDouble() < 0.1) return pick(r, new String[] {"study", "work", "marriage", "children", "retired"});
        if (age < 23) return "study";
        if (age < 28) return "work";
        if (age < 33) return "marriage";
        if (age < 60) return "children";
        return "retired";
    }

    static String maritalStatus(SplittableRandom r, int age) {
        double u = r.nextDouble();
        if (age < 25) return u < 0.85 ? "single" : "married";
        if (age < 60) return u < 0.2 ? "single" : u < 0.88 ? "married" : "divorced";
        return u < 0.05 ? "single" : u < 0.7 ? "married" : u < 0.8 ? "divorced" : "widowed";
    }
}
