// The moderation rules on their own: whole words in either case and alphabet, blocked domains and their
// subdomains only, link floods, shouting titles, character runs, and clean texts passing.
#include "domain/moderation/rules.hpp"

#include <gtest/gtest.h>

namespace onton::moderation {
namespace {

Rules Strict() {
    Rules rules;
    rules.banned_words = ParseList(" Casino , free money,ПИРАМИДА ,");
    rules.blocked_domains = ParseList("scam.example, bad.io");
    rules.max_links = 3;
    return rules;
}

std::vector<std::string> Check(const std::string& title, const std::string& description = "") {
    return Assess(Strict(), {.title = title, .subtitle = "", .description = description, .location = "", .online_link = ""});
}

TEST(ModerationRules, ParsesTheConfiguredLists) {
    EXPECT_EQ(ParseList(" Casino , free money,ПИРАМИДА ,"), (std::vector<std::string>{"casino", "free money", "пирамида"}));
    EXPECT_TRUE(ParseList("").empty());
    EXPECT_TRUE(ParseList(" , ,").empty());
}

TEST(ModerationRules, FoldsAsciiAndCyrillicCase) {
    EXPECT_EQ(FoldCase("Hello МИР Ёлка ЯЗЫК"), "hello мир ёлка язык");
    EXPECT_EQ(FoldCase("日本 ok"), "日本 ok");  // other scripts untouched
}

TEST(ModerationRules, BannedWordsMatchWholeWordsInAnyCase) {
    EXPECT_EQ(Check("Crypto CASINO night"), (std::vector<std::string>{"banned_word:casino"}));
    EXPECT_EQ(Check("Meetup", "Win FREE MONEY now"), (std::vector<std::string>{"banned_word:free money"}));
    EXPECT_EQ(Check("Финансовая Пирамида"), (std::vector<std::string>{"banned_word:пирамида"}));
    EXPECT_TRUE(Check("Casinos history lecture").empty()) << "a longer word is another word";
    EXPECT_TRUE(Check("Freemoney?").empty());
}

TEST(ModerationRules, BlockedDomainsAndTheirSubdomainsOnly) {
    EXPECT_EQ(Check("Meetup", "Tickets at https://scam.example/buy"), (std::vector<std::string>{"blocked_link:scam.example"}));
    EXPECT_EQ(Check("Meetup", "see http://www.app.bad.io"), (std::vector<std::string>{"blocked_link:app.bad.io"}));
    EXPECT_TRUE(Check("Meetup", "see https://notbad.io and https://bad.io.example.org").empty());
}

TEST(ModerationRules, TooManyLinksShoutingAndRunsAreFlagged) {
    EXPECT_EQ(Check("Meetup", "https://a.org https://b.org https://c.org https://d.org"),
              (std::vector<std::string>{"too_many_links:4"}));
    EXPECT_TRUE(Check("Meetup", "https://a.org https://b.org https://c.org").empty());
    EXPECT_EQ(Check("BIGGEST PARTY OF THE YEAR"), (std::vector<std::string>{"shouting_title"}));
    EXPECT_EQ(Check("САМАЯ ЛУЧШАЯ ВЕЧЕРИНКА"), (std::vector<std::string>{"shouting_title"}));
    EXPECT_TRUE(Check("TON DEV DAY").empty()) << "short acronyms are no shouting";
    EXPECT_EQ(Check("Party!!!!!!!!!!!!"), (std::vector<std::string>{"repeated_characters"}));
    EXPECT_TRUE(Check("Agenda", "----------------------\nTalks").empty()) << "separator lines are fine";
}

TEST(ModerationRules, CleanTextsPass) {
    EXPECT_TRUE(Check("TON Developers Meetup in Dubai", "Talks on TVM, wallets and https://ton.org docs.").empty());
    EXPECT_TRUE(Assess(Rules{}, {.title = "Anything", .subtitle = "", .description = "", .location = "", .online_link = ""}).empty());
}

}  // namespace
}  // namespace onton::moderation
