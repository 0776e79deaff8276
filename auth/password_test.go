package auth

import (
	"strings"
	"testing"
)

var cheap = HashParams{Memory: 1024, Time: 1, Threads: 1}

func TestHashAndVerifyPassword(t *testing.T) {
	hash, err := HashPassword("correct horse battery", cheap)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Errorf("hash = %q, want an argon2id PHC string", hash)
	}
	cases := map[string]bool{"correct horse battery": true, "correct horse batterY": false, "": false}
	for pw, want := range cases {
		ok, err := VerifyPassword(pw, hash)
		if err != nil || ok != want {
			t.Errorf("VerifyPassword(%q) = %v, %v; want %v", pw, ok, err, want)
		}
	}
	other, _ := HashPassword("correct horse battery", cheap)
	if other == hash {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
}

func TestVerifyRefusesMalformedHashes(t *testing.T) {
	for _, h := range []string{"", "plain", "$argon2i$v=19$m=1,t=1,p=1$AAAA$AAAA",
		"$argon2id$v=18$m=1024,t=1,p=1$AAAA$AAAA", "$argon2id$v=19$m=x$AAAA$AAAA",
		"$argon2id$v=19$m=1024,t=1,p=1$!!$AAAA", "$argon2id$v=19$m=1024,t=1,p=1$AAAA$"} {
		if ok, err := VerifyPassword("x", h); ok || err == nil {
			t.Errorf("VerifyPassword with %q = %v, %v; want an error", h, ok, err)
		}
	}
}

func TestRandomTokensDiffer(t *testing.T) {
	a, _ := RandomToken(32)
	b, _ := RandomToken(32)
	if a == b || len(a) < 40 {
		t.Errorf("tokens %q and %q", a, b)
	}
}
