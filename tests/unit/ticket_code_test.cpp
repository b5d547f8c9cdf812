// Signed ticket QR codes (domain/orders/ticket_code): what a scanner may read, and signatures that hold only
// for their event and code.
#include "domain/orders/ticket_code.hpp"

#include <gtest/gtest.h>

#include <string>

namespace onton::orders {
namespace {

const std::string kSeed(32, '\x07');

TEST(TicketCode, ParsesEveryFormAScannerMayRead) {
    auto signed_form = ParseScannedCode("onton:t2:Tabc-_09.c2lnbmF0dXJl");
    ASSERT_TRUE(signed_form);
    EXPECT_EQ(signed_form->code, "Tabc-_09");
    EXPECT_EQ(signed_form->signature, "c2lnbmF0dXJl");
    auto unsigned_form = ParseScannedCode("onton:ticket:Tabc");
    ASSERT_TRUE(unsigned_form);
    EXPECT_EQ(unsigned_form->code, "Tabc");
    EXPECT_FALSE(unsigned_form->signature);
    auto typed = ParseScannedCode(" \tTabc\r\n");
    ASSERT_TRUE(typed);
    EXPECT_EQ(typed->code, "Tabc");
    for (const auto* bad : {"",
                            "   ",
                            "onton:t2:",
                            "onton:t2:Tabc",
                            "onton:t2:Tabc.",
                            "onton:t2:.sig",
                            "onton:t2:T a.b",
                            "onton:ticket:",
                            "T abc",
                            "T/abc",
                            "onton:ticket:T.abc",
                            "Tä"}) {
        EXPECT_FALSE(ParseScannedCode(bad)) << bad;
    }
    EXPECT_FALSE(ParseScannedCode(std::string(65, 'a'))) << "codes are short";
}

TEST(TicketCode, ASignatureHoldsForItsEventAndCodeOnly) {
    const auto signer = TicketSigner::FromSeed(kSeed);
    ASSERT_TRUE(signer);
    const auto payload = signer->QrPayload("event-1", "Tcode");
    const auto scanned = ParseScannedCode(payload);
    ASSERT_TRUE(scanned && scanned->signature) << payload;
    EXPECT_EQ(scanned->code, "Tcode");
    EXPECT_EQ(scanned->signature->size(), 86U) << "64 bytes, base64url without padding";
    EXPECT_TRUE(signer->Verify("event-1", "Tcode", *scanned->signature));
    EXPECT_TRUE(signer->Verify("event-1", "Tcode", *scanned->signature + "==")) << "padding is optional";
    EXPECT_FALSE(signer->Verify("event-2", "Tcode", *scanned->signature)) << "another event's";
    EXPECT_FALSE(signer->Verify("event-1", "Tcodf", *scanned->signature)) << "another code's";
    auto flipped = *scanned->signature;
    flipped[10] = flipped[10] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(signer->Verify("event-1", "Tcode", flipped));
    EXPECT_FALSE(signer->Verify("event-1", "Tcode", "")) << "empty";
    EXPECT_FALSE(signer->Verify("event-1", "Tcode", scanned->signature->substr(0, 40))) << "short";
    auto standard = *scanned->signature;
    for (auto& c : standard) c = c == '-' ? '+' : c == '_' ? '/' : c;
    if (standard != *scanned->signature) {
        EXPECT_FALSE(signer->Verify("event-1", "Tcode", standard)) << "only the URL-safe spelling it wrote";
    }
    // Another key's signature of the same ticket does not hold.
    const auto other = TicketSigner::FromSeed(std::string(32, '\x08'));
    ASSERT_TRUE(other);
    EXPECT_FALSE(other->Verify("event-1", "Tcode", *scanned->signature));
    EXPECT_NE(other->PublicKey(), signer->PublicKey());
    EXPECT_EQ(signer->PublicKey().size(), 43U);
    // Deterministic (Ed25519): the same ticket always shows the same QR.
    EXPECT_EQ(signer->QrPayload("event-1", "Tcode"), payload);
}

TEST(TicketCode, RefusesKeysThatAreNotSeeds) {
    EXPECT_FALSE(TicketSigner::FromSeed(""));
    EXPECT_FALSE(TicketSigner::FromSeed(std::string(31, 'a')));
    EXPECT_EQ(TicketSigner::FromSeed(std::string(64, 'a')).error().code, "ticket.invalid_key");
}

}  // namespace
}  // namespace onton::orders
