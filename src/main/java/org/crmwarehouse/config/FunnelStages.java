package org.crmwarehouse.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The stages of a sales pipeline ({@code funnel_stages:} in a job config): the values
 * {@code funnel_events.event_type} may take, in pipeline order, each with the role the models
 * count it by. Models never name a stage; they read its role from {@code run_funnel_stages}, so a
 * pipeline "Prospecting, Engaging, Won, Lost" goes through every mart like the default one.
 *
 * <p>The default is the ad-call funnel of the domain texts: call (contact), visit (qualify),
 * quote (propose), deal (won), lost (lost). A lead with no event yet waits in the first stage.
 */
public record FunnelStages(List<Stage> stages) {

    /** What a stage means to the models. */
    public enum Role {
        /** Open pipeline before anyone reached the lead (a new, assigned or prospecting lead). */
        OPEN,
        /** Someone tried to reach the lead: a call attempt (mart_funnel's calls). */
        CONTACT,
        /** The lead was qualified or met (mart_funnel's visits). */
        QUALIFY,
        /** An offer was made (mart_funnel's quotes). */
        PROPOSE,
        /** Closed won (mart_funnel's deals). */
        WON,
        /** Closed lost. */
        LOST;

        public String sqlName() {
            return name().toLowerCase(Locale.ROOT);
        }

        boolean closed() {
            return this == WON || this == LOST;
        }

        static String names() {
            return Arrays.stream(values()).map(Role::sqlName).toList().toString();
        }
    }

    /** One stage; {@code order} counts from 1 in the order the config lists them. */
    public record Stage(String name, Role role, int order) {
    }

    public static final FunnelStages DEFAULT = new FunnelStages(List.of(
            new Stage("call", Role.CONTACT, 1),
            new Stage("visit", Role.QUALIFY, 2),
            new Stage("quote", Role.PROPOSE, 3),
            new Stage("deal", Role.WON, 4),
            new Stage("lost", Role.LOST, 5)));

    public FunnelStages {
        stages = List.copyOf(stages);
    }

    public List<String> names() {
        return stages.stream().map(Stage::name).toList();
    }

    private static final Set<String> STAGE_KEYS = Set.of("stage", "role");

    /**
     * Reads {@code funnel_stages:}, a list of {@code {stage: <event_type value>, role: <role>}},
     * refusing with one line naming the file and the key: a stage that is blank or listed twice,
     * an unknown role, no won stage, or a first stage that is already closed (won or lost: a lead
     * with no event waits in the first stage, so it must be open pipeline).
     */
    static FunnelStages read(Path file, JsonNode node) {
        if (node == null || node.isNull()) {
            return DEFAULT;
        }
        if (!node.isArray() || node.isEmpty()) {
            throw new ConfigException(file, "funnel_stages must be a list of {stage: <event_type value>, role: <"
                    + String.join(" | ", Arrays.stream(Role.values()).map(Role::sqlName).toList()) + ">}, in pipeline order");
        }
        List<Stage> stages = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String key = "funnel_stages[" + i + "]";
            JsonNode item = node.get(i);
            if (!item.isObject()) {
                throw new ConfigException(file, key + " must be a mapping {stage: ..., role: ...}");
            }
            for (String k : item.propertyNames()) {
                if (!STAGE_KEYS.contains(k)) {
                    throw new ConfigException(file, "unknown key '" + key + "." + k + "'; known keys here: [role, stage]");
                }
            }
            JsonNode stageNode = item.get("stage");
            if (stageNode == null || !stageNode.isValueNode() || stageNode.isNull() || stageNode.asString().isBlank()) {
                throw new ConfigException(file, key + ".stage is required: the event_type value of this stage");
            }
            String name = stageNode.asString().trim();
            if (!seen.add(name)) {
                throw new ConfigException(file, key + ".stage '" + name + "' is listed twice; each stage once");
            }
            JsonNode roleNode = item.get("role");
            String roleText = roleNode == null || roleNode.isNull() ? null : roleNode.asString();
            Role role = Arrays.stream(Role.values()).filter(r -> r.sqlName().equals(roleText)).findFirst()
                    .orElseThrow(() -> new ConfigException(file, key + ".role " + (roleText == null ? "is required"
                            : "'" + roleText + "' is not a role") + "; expected one of " + Role.names()));
            stages.add(new Stage(name, role, i + 1));
        }
        if (stages.stream().noneMatch(s -> s.role() == Role.WON)) {
            throw new ConfigException(file, "funnel_stages has no stage with role won: win rates and deals need one");
        }
        if (stages.get(0).role().closed()) {
            throw new ConfigException(file, "funnel_stages[0].role is " + stages.get(0).role().sqlName()
                    + ": the first stage must be open pipeline (a lead with no event yet waits in it)");
        }
        return new FunnelStages(stages);
    }
}
