package org.crmwarehouse.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.dataformat.yaml.YAMLMapper;

class ContractTest {
    private final Contract contract = Contract.standard();

    @Test
    void referenceOrderPutsReferencedEntitiesFirst() {
        List<String> order = contract.inReferenceOrder().stream().map(EntityContract::name).toList();
        assertThat(order).hasSize(10).containsExactlyInAnyOrder(
                "customers", "leads", "campaigns", "funnel_events", "orders", "payments", "contacts", "expenses",
                "ad_performance", "subscriptions");
        assertThat(order.indexOf("customers")).isLessThan(order.indexOf("orders"));
        assertThat(order.indexOf("campaigns")).isLessThan(order.indexOf("leads"));
        assertThat(order.indexOf("leads")).isLessThan(order.indexOf("funnel_events"));
        // every reference points backwards (or to the entity itself)
        for (EntityContract e : contract.inReferenceOrder()) {
            for (String r : e.referencedEntities()) {
                assertThat(order.indexOf(r)).as(e.name() + " -> " + r).isLessThanOrEqualTo(order.indexOf(e.name()));
            }
        }
    }

    @Test
    void orderKeyIsOrderIdAndLineNo() {
        assertThat(contract.entity("orders").keyColumns()).extracting(ColumnContract::name)
                .containsExactly("order_id", "line_no");
    }

    // issue 16 item 5: unquoted flow-mapping descriptions stopped at their first comma
    @Test
    void descriptionsWithCommasAreWhole() {
        // the texts the issue quotes, written out in full by hand
        assertThat(description("customers", "renewal_date")).isEqualTo("Next contract, warranty or membership renewal date.");
        assertThat(description("leads", "lost_reason")).isEqualTo("Why the lead was lost, when status is lost.");
        assertThat(description("orders", "channel")).isEqualTo("Sales channel of the order (shop, online, dealer, phone...).");
        for (EntityContract e : contract.inReferenceOrder()) {
            for (ColumnContract c : e.columns()) {
                assertThat(c.description()).as(e.name() + "." + c.name()).isNotBlank().endsWith(".");
            }
        }
    }

    @Test
    void unknownKeyIsRefusedNamingTheColumn() {
        String yaml = """
                entities:
                  things:
                    columns:
                      - {name: thing_id, type: VARCHAR, key: true, description: An id, unique per thing.}
                """;
        assertThatThrownBy(() -> Contract.parse(new YAMLMapper().readTree(yaml)))
                .hasMessageContaining("column things.thing_id has unknown key 'unique per thing.'")
                .hasMessageContaining("must be quoted");
        String entityKey = "entities: {things: {colums: [{name: a, type: VARCHAR}]}}";
        assertThatThrownBy(() -> Contract.parse(new YAMLMapper().readTree(entityKey)))
                .hasMessageContaining("entity things has unknown key 'colums'");
    }

    private String description(String entity, String column) {
        return contract.entity(entity).column(column).orElseThrow().description();
    }

    @Test
    void adPerformanceIsOneRowPerAdPerDayAndDoesNotReferenceCampaigns() {
        EntityContract ads = contract.entity("ad_performance");
        assertThat(ads.columnNames()).startsWith("date", "platform", "account_id", "campaign_id", "ad_group_id", "ad_id",
                "impressions", "clicks", "spend", "conversions", "qualified_conversions");
        assertThat(ads.keyColumns()).extracting(ColumnContract::name).containsExactly("date", "platform", "ad_id");
        // an ad export holds campaigns the CRM never recorded: their rows must load, not be quarantined
        assertThat(ads.referencedEntities()).isEmpty();
        // unknown spend is a blank, not a rejected row; counts are never negative
        assertThat(ads.column("spend").orElseThrow().required()).isFalse();
        for (String count : java.util.List.of("impressions", "clicks", "conversions", "qualified_conversions")) {
            assertThat(ads.column(count).orElseThrow().type()).as(count).isEqualTo(ColumnType.BIGINT);
            assertThat(ads.column(count).orElseThrow().min()).as(count).isEqualByComparingTo("0");
        }
    }
}
