#!/usr/bin/perl
# peer.pl - Mail::DKIM (Debian 12: 1.20230212) as an interop peer
#
# Usage:
#   peer.pl sign JOBS
#       JOBS: one job a line, tab-separated:
#           IN OUT KEYFILE DOMAIN SELECTOR ALGORITHM HEADERCANON/BODYCANON
#       Writes OUT = the new DKIM-Signature field + IN, and prints
#       "OUT<TAB>ok" or "OUT<TAB>error<TAB>why" per job.
#   peer.pl verify PORT FILE...
#       Verifies each FILE against the name server on 127.0.0.1:PORT and
#       prints "FILE<TAB>RESULT<TAB>detail" (RESULT of the first signature:
#       pass, fail, invalid, temperror, none).
#
# What we found in Mail::DKIM (read /usr/share/perl5/Mail/DKIM/*.pm):
# - PRINT() wants SMTP line ends and does no conversion: a header field is
#   only recognised once it ends in CRLF.  So we turn each bare LF of a file
#   into CRLF (as an MTA does) and leave everything else, including a last
#   line without a line end, untouched.
# - It knows no ed25519 (no k=ed25519, no ed25519-sha256), so the suite
#   never gives it ed25519 jobs.
# - Without Strict => 1 the verifier passes rsa-sha1 and RSA keys under
#   1024 bits; with it, rsa-sha1 is "invalid (unsupported algorithm)" and a
#   short key "fail (Key length N too short)" (RFC 8301).  We verify Strict.
# - Signer: Headers => 'a:b' adds names to its default list and signs every
#   instance present; extended_headers({name => '*' | '+' | N}) gives full
#   control, '+' meaning every instance plus one (oversigning).  We sign
#   every field present ('*') and From with '+'.
# - The DNS resolver is set with Mail::DKIM::DNS::resolver(Net::DNS::Resolver
#   object); nameservers => ['127.0.0.1'], port => PORT, recurse => 0.
# - Mail::DKIM::PrivateKey->load(File => ...) reads PKCS#1 or PKCS#8 PEM
#   (Crypt::OpenSSL::RSA new_private_key).
use strict;
use warnings;

use Mail::DKIM::Signer;
use Mail::DKIM::Verifier;
use Mail::DKIM::DNS;
use Mail::DKIM::TextWrap;
use Net::DNS::Resolver;

sub slurp {
	my ($path) = @_;
	open( my $fh, '<:raw', $path ) or die "$path: $!\n";
	local $/;
	my $data = <$fh>;
	close $fh;
	return defined $data ? $data : '';
}

# wire - bare LF line ends to CRLF, as an MTA would put the file on the wire
sub wire {
	my ($data) = @_;
	$data =~ s/(?<!\r)\n/\r\n/g;
	return $data;
}

sub sign_jobs {
	my ($jobs) = @_;
	my $rc = 0;
	open( my $jf, '<', $jobs ) or die "$jobs: $!\n";
	while ( my $line = <$jf> ) {
		chomp $line;
		next if $line eq '';
		my ( $in, $out, $key, $domain, $sel, $alg, $canon ) =
		    split /\t/, $line;
		my $ok = eval {
			my $msg = slurp($in);
			my $eol = $msg =~ /\r\n/ ? "\r\n" : "\n";
			my $dkim = Mail::DKIM::Signer->new(
				Algorithm => $alg,
				Method    => $canon,
				Domain    => $domain,
				Selector  => $sel,
				KeyFile   => $key,
			);
			my ($head) = split /\r?\n\r?\n/, $msg, 2;
			my %h;
			for my $l ( split /\r?\n/, $head ) {
				$h{ lc $1 } = '*' if $l =~ /^([\x21-\x39\x3b-\x7e]+):/;
			}
			$h{from} = '+';
			$dkim->extended_headers( \%h );
			$dkim->PRINT( wire($msg) );
			$dkim->CLOSE;
			my $sig = $dkim->signature
			    or die "no signature made\n";
			my $field = $sig->as_string;
			$field =~ s/\r?\n/$eol/g;
			open( my $of, '>:raw', $out ) or die "$out: $!\n";
			print $of $field, $eol, $msg;
			close $of or die "$out: $!\n";
			1;
		};
		if ($ok) {
			print "$out\tok\n";
		} else {
			my $e = $@;
			$e =~ s/\s+/ /g;
			print "$out\terror\t$e\n";
			$rc = 1;
		}
	}
	return $rc;
}

sub verify_files {
	my ( $port, @files ) = @_;
	my $res = Net::DNS::Resolver->new(
		nameservers => ['127.0.0.1'],
		port        => $port,
		recurse     => 0,
		tcp_timeout => 5,
		udp_timeout => 5,
		retry       => 1,
	);
	Mail::DKIM::DNS::resolver($res);
	for my $path (@files) {
		my ( $result, $detail );
		my $ok = eval {
			my $dkim = Mail::DKIM::Verifier->new( Strict => 1 );
			$dkim->PRINT( wire( slurp($path) ) );
			$dkim->CLOSE;
			my @sigs = $dkim->signatures;
			if (@sigs) {
				$result = $sigs[0]->result;
				$detail = $sigs[0]->result_detail;
			} else {
				$result = $dkim->result;
				$detail = $dkim->result_detail;
			}
			1;
		};
		if ( !$ok ) {
			( $result, $detail ) = ( 'error', $@ );
		}
		$detail = '' unless defined $detail;
		$detail =~ s/\s+/ /g;
		print "$path\t$result\t$detail\n";
	}
	return 0;
}

my $cmd = shift @ARGV // '';
if ( $cmd eq 'sign' && @ARGV == 1 ) {
	exit sign_jobs(@ARGV);
} elsif ( $cmd eq 'verify' && @ARGV >= 2 ) {
	exit verify_files(@ARGV);
}
print STDERR "usage: peer.pl sign JOBS | verify PORT FILE...\n";
exit 2;
