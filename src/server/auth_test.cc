#include "server/auth.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include <gtest/gtest.h>

#include "serve_artifacts.h"

namespace podgate::server {
namespace {

std::string TempPath(const std::string& name) {
  std::string path =
      ::testing::TempDir() + "podgate_auth_" + std::to_string(::getpid()) + "_" + name;
  std::remove(path.c_str());
  return path;
}

TEST(OperatorToken, CreateThenLoadMatches) {
  std::string path = TempPath("token");
  auto created = OperatorToken::Create(path);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::ifstream in(path);
  std::string token;
  std::getline(in, token);
  EXPECT_GE(token.size(), 40u);
  auto loaded = OperatorToken::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_TRUE(loaded->Matches(token));
  EXPECT_TRUE(created->Matches(token));
  EXPECT_FALSE(loaded->Matches(token + "x"));
  EXPECT_FALSE(loaded->Matches(token.substr(1)));
  EXPECT_FALSE(loaded->Matches(""));
  EXPECT_FALSE(OperatorToken::Create(path).ok()) << "must not overwrite";
}

TEST(OperatorToken, RefusesReadableByOthers) {
  std::string path = TempPath("open-token");
  {
    std::ofstream out(path);
    out << "0123456789abcdef0123\n";
  }
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  auto loaded = OperatorToken::Load(path);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), Code::kConfig);
  EXPECT_NE(loaded.status().message().find("chmod 600"), std::string::npos);
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  auto ok = OperatorToken::Load(path);
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(ok->Matches("0123456789abcdef0123"));
}

TEST(OperatorToken, RefusesShortOrMissing) {
  std::string path = TempPath("short-token");
  {
    std::ofstream out(path);
    out << "short\n";
  }
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  EXPECT_EQ(OperatorToken::Load(path).status().code(), Code::kConfig);
  EXPECT_EQ(OperatorToken::Load(TempPath("absent")).status().code(), Code::kIoError);
}

TEST(Bearer, Parse) {
  EXPECT_EQ(ParseBearer("Bearer abc"), "abc");
  EXPECT_EQ(ParseBearer("bearer   abc  "), "abc");
  EXPECT_FALSE(ParseBearer("Basic abc"));
  EXPECT_FALSE(ParseBearer("Bearer "));
  EXPECT_FALSE(ParseBearer("Bearer"));
  EXPECT_FALSE(ParseBearer(""));
}

TEST(PostSignature, VerifiesOnlyTheSignedArtifact) {
  SecretKey participant = serve_test::ParticipantKey();
  std::string node = serve_test::NodeKey().public_key().ToId(Role::kNode);
  std::string bind = serve_test::SignedBind(participant, node, "pb:1");
  std::string d = serve_test::Detachment("detach:1", "attach:1", "client:1", node, bind);
  std::string sig = serve_test::PostSignature(participant, Kind::kDetachment, d);
  EXPECT_TRUE(VerifyPostSignature(Kind::kDetachment, d, sig).ok());
  // Another artifact, another kind's domain, another key: refused.
  std::string d2 = serve_test::Detachment("detach:2", "attach:1", "client:1", node, bind);
  EXPECT_EQ(VerifyPostSignature(Kind::kDetachment, d2, sig).code(), Code::kUnauthorized);
  std::string as_recovery = serve_test::PostSignature(participant, Kind::kRecovery, d);
  EXPECT_FALSE(VerifyPostSignature(Kind::kDetachment, d, as_recovery).ok());
  std::string by_node = serve_test::PostSignature(serve_test::NodeKey(), Kind::kDetachment, d);
  EXPECT_FALSE(VerifyPostSignature(Kind::kDetachment, d, by_node).ok());
  EXPECT_FALSE(VerifyPostSignature(Kind::kDetachment, d, "not base64url!").ok());
  EXPECT_FALSE(VerifyPostSignature(Kind::kDetachment, "{}", sig).ok());
}

// A body over the parser's default 64 KiB (allowed by a larger --max-body; a bind id is not
// bounded) is verified like any other, and a participant can read such a stored artifact.
TEST(PostSignature, VerifiesAnArtifactOverTheDefaultParseLimit) {
  SecretKey participant = serve_test::ParticipantKey();
  std::string node = serve_test::NodeKey().public_key().ToId(Role::kNode);
  std::string bind = serve_test::SignedBind(participant, node, "pb:" + std::string(70000, 'b'));
  std::string d = serve_test::Detachment("detach:1", "attach:1", "client:1", node, bind);
  ASSERT_GT(d.size(), std::size_t{1} << 16);
  std::string sig = serve_test::PostSignature(participant, Kind::kDetachment, d);
  EXPECT_TRUE(VerifyPostSignature(Kind::kDetachment, d, sig).ok());
  EXPECT_EQ(ArtifactParticipant(d), participant.public_key().ToId(Role::kParticipant));
}

TEST(ReadSignature, VerifiesWithinSkew) {
  SecretKey participant = serve_test::ParticipantKey();
  std::string id = participant.public_key().ToId(Role::kParticipant);
  Timestamp now = *ParseRfc3339("2026-03-28T20:00:00Z");
  std::string ts = "2026-03-28T20:01:00Z";
  std::string target = "/v1/participants/" + id + "/client-instances";
  std::string sig = participant.Sign(ReadSigningInput("GET", target, ts));
  auto ok = VerifyReadSignature("GET", target, id, ts, sig, now, 300);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->participant, id);
  // Another target, a stale timestamp, another participant id, missing headers.
  EXPECT_FALSE(VerifyReadSignature("GET", target + "x", id, ts, sig, now, 300).ok());
  EXPECT_FALSE(VerifyReadSignature("GET", target, id, ts, sig, now.PlusSeconds(600), 300).ok());
  std::string other = serve_test::NodeKey().public_key().ToId(Role::kParticipant);
  EXPECT_FALSE(VerifyReadSignature("GET", target, other, ts, sig, now, 300).ok());
  EXPECT_FALSE(VerifyReadSignature("GET", target, id, "", sig, now, 300).ok());
  EXPECT_FALSE(VerifyReadSignature("GET", target, id, "yesterday", sig, now, 300).ok());
  EXPECT_FALSE(VerifyReadSignature("GET", target, "participant:nope", ts, sig, now, 300).ok());
}

}  // namespace
}  // namespace podgate::server
