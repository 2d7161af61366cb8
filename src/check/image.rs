//! Image references (E0310, E0312). App Runner image services pull only from ECR: private
//! (`ACCOUNT.dkr.ecr.REGION.amazonaws.com[.cn]/REPO(:TAG|@sha256:...)`) or ECR Public. A
//! private image gets an access role naming its exact repository, so only the tag or digest
//! may come from a param.

use crate::model::ImageSource;
use crate::text::{Text, TextPart};

#[derive(Debug, PartialEq, Eq)]
pub enum ImageError {
    /// Not ECR at all, or a malformed ECR reference; the reason.
    Unsupported(String),
    /// A param before the tag or digest.
    ParamInRepository,
}

pub fn classify(image: &Text) -> Result<ImageSource, ImageError> {
    // The literal text up to the first param, and whether a param follows.
    let mut head = String::new();
    let mut has_param = false;
    for part in &image.parts {
        match part {
            TextPart::Lit(s) if !has_param => head.push_str(s),
            TextPart::Lit(_) => {}
            TextPart::Param(_) => has_param = true,
        }
    }
    // The whole text, a param as a character no image name holds: what follows the tag's `:`
    // or the digest's `@` is judged on its literal characters.
    let marked = image.with_params_as("\u{0}");
    let last_segment = marked.rfind('/').map_or(0, |i| i + 1);
    if let Some(at) = marked[last_segment..].find([':', '@']) {
        let at = last_segment + at;
        if let Some(fault) = reference_fault(&marked[at..at + 1], &marked[at + 1..]) {
            return Err(ImageError::Unsupported(fault));
        }
    }
    if let Some(path) = head.strip_prefix("public.ecr.aws/") {
        // `ALIAS/REPO`, as App Runner's ImageIdentifier pattern requires; a param may
        // supply any part of it (no role names the repository).
        return if has_param
            || path
                .split_once('/')
                .is_some_and(|(a, r)| !a.is_empty() && !r.is_empty())
        {
            Ok(ImageSource::EcrPublic)
        } else {
            Err(ImageError::Unsupported(
                "an ECR Public image is `public.ecr.aws/ALIAS/REPO[:TAG]`".into(),
            ))
        };
    }
    let Some((host, rest)) = head.split_once('/') else {
        return Err(if has_param {
            ImageError::ParamInRepository
        } else {
            unsupported()
        });
    };
    let (account, region, partition) = parse_host(host).ok_or_else(unsupported)?;
    // The repository ends at the tag (`:`) or digest (`@`); it must be all literal.
    let Some(end) = rest.find([':', '@']) else {
        return Err(if has_param {
            ImageError::ParamInRepository
        } else {
            ImageError::Unsupported(
                "a private ECR image needs a tag (`:1.0`) or a digest (`@sha256:...`)".into(),
            )
        });
    };
    let repository = &rest[..end];
    let reference = &rest[end + 1..];
    let repo_ok = !repository.is_empty() && repository.split('/').all(repository_component);
    if !repo_ok {
        return Err(ImageError::Unsupported(format!(
            "`{repository}` is not an ECR repository name"
        )));
    }
    if !has_param && reference.is_empty() {
        return Err(ImageError::Unsupported("the tag or digest is empty".into()));
    }
    Ok(ImageSource::EcrPrivate {
        partition,
        account,
        region,
        repository: repository.to_string(),
    })
}

/// Why the text after `:` (a tag) or `@` (a digest) is neither, judged on its literal
/// characters (`\0` stands for a param), by Docker's reference grammar, which the container
/// runtimes of both computes parse (App Runner's ImageIdentifier pattern is looser): a tag
/// of 1-128 of `[A-Za-z0-9_.-]`, not starting with `.` or `-`; a digest `sha256:` and 64
/// lowercase hex digits (go-digest, which the runtimes use, refuses `A-F`).
fn reference_fault(separator: &str, reference: &str) -> Option<String> {
    let has_param = reference.contains('\0');
    let literal: String = reference.chars().filter(|c| *c != '\0').collect();
    if separator == "@" {
        let ok = match reference.strip_prefix("sha256:") {
            Some(hex) if !has_param => {
                hex.len() == 64
                    && hex
                        .bytes()
                        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            }
            _ => {
                has_param
                    && literal
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b':')
            }
        };
        return (!ok).then(|| {
            format!(
                "`@{literal}` is not a digest: write `@sha256:` and its 64 lowercase hex digits"
            )
        });
    }
    if reference.is_empty() {
        return Some("the tag after `:` is empty".into());
    }
    let tag_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-');
    if let Some(c) = literal.chars().find(|c| !tag_char(*c)) {
        return Some(format!(
            "a tag holds letters, digits, `_`, `.` and `-`, not `{}`",
            c.escape_debug()
        ));
    }
    if reference.starts_with(['.', '-']) {
        return Some("a tag cannot start with `.` or `-`".into());
    }
    if literal.len() > 128 {
        return Some(format!(
            "a tag has at most 128 characters, this one has {}",
            literal.len()
        ));
    }
    None
}

/// `[a-z0-9]+([._-][a-z0-9]+)*`, ECR's repository name component.
fn repository_component(part: &str) -> bool {
    let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let bytes = part.as_bytes();
    bytes.first().is_some_and(|b| alnum(*b))
        && bytes.last().is_some_and(|b| alnum(*b))
        && bytes.iter().all(|b| alnum(*b) || b"._-".contains(b))
        && !bytes.windows(2).any(|w| !alnum(w[0]) && !alnum(w[1]))
}

fn unsupported() -> ImageError {
    ImageError::Unsupported("App Runner pulls images only from Amazon ECR or ECR Public".into())
}

/// `123456789012.dkr.ecr.eu-west-1.amazonaws.com[.cn]` -> (account, region, partition).
/// `ACCOUNT.dkr.ecr.REGION.SUFFIX`, the suffix being the DNS suffix of the region's
/// partition (`amazonaws.com`, `amazonaws.com.cn`, ...): (account, region, partition).
fn parse_host(host: &str) -> Option<(String, String, String)> {
    let (account, rest) = host.split_once(".dkr.ecr.")?;
    let (region, suffix) = rest.split_once('.')?;
    let account_ok = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
    let region_ok = !region.is_empty()
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    (account_ok && region_ok && suffix == crate::backends::dns_suffix(region)).then(|| {
        (
            account.to_string(),
            region.to_string(),
            crate::backends::partition(region).to_string(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::text;

    #[test]
    fn private_ecr_with_param_tag() {
        let t = text(&[
            (
                "123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders:",
                false,
            ),
            ("tag", true),
        ]);
        assert_eq!(
            classify(&t),
            Ok(ImageSource::EcrPrivate {
                partition: "aws".into(),
                account: "123456789012".into(),
                region: "eu-west-1".into(),
                repository: "orders".into()
            })
        );
    }

    #[test]
    fn china_partition_and_nested_repository() {
        let t = Text::lit(format!(
            "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/team/api@sha256:{}",
            "ab".repeat(32)
        ));
        assert!(
            matches!(classify(&t), Ok(ImageSource::EcrPrivate { ref partition, ref repository, .. }) if partition == "aws-cn" && repository == "team/api")
        );
    }

    #[test]
    fn tags_and_digests_are_held_to_their_characters() {
        let ecr = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web";
        for good in [
            ":1.0",
            ":v1_2-rc.3",
            &format!("@sha256:{}", "a1".repeat(32)),
        ] {
            assert!(
                classify(&Text::lit(format!("{ecr}{good}"))).is_ok(),
                "{good}"
            );
        }
        assert!(classify(&Text::lit(format!("{ecr}@sha256:{}", "A1".repeat(32)))).is_err());
        assert!(classify(&Text::lit("public.ecr.aws/a/web:")).is_err());
        for bad in [
            ":bad tag",
            ":-x",
            "@sha256:xyz",
            "@md5:00",
            &format!(":{}", "a".repeat(129)),
        ] {
            assert!(
                matches!(
                    classify(&Text::lit(format!("{ecr}{bad}"))),
                    Err(ImageError::Unsupported(_))
                ),
                "{bad}"
            );
        }
        assert!(matches!(
            classify(&Text::lit("public.ecr.aws/acme/web:a b")),
            Err(ImageError::Unsupported(_))
        ));
        // A param's value is judged when it is known; the literal characters now.
        assert!(classify(&text(&[(&format!("{ecr}:v"), false), ("t", true)])).is_ok());
        assert!(classify(&text(&[(&format!("{ecr}:v "), false), ("t", true)])).is_err());
        assert!(classify(&text(&[(&format!("{ecr}@"), false), ("d", true)])).is_ok());
    }

    #[test]
    fn the_partition_follows_the_region_and_the_suffix_must_be_its_own() {
        let gov = Text::lit("123456789012.dkr.ecr.us-gov-west-1.amazonaws.com/api:1");
        assert!(
            matches!(classify(&gov), Ok(ImageSource::EcrPrivate { ref partition, .. }) if partition == "aws-us-gov")
        );
        // China's registries end in `.com.cn`, the others' not.
        for wrong in [
            "123456789012.dkr.ecr.cn-north-1.amazonaws.com/api:1",
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com.cn/api:1",
        ] {
            assert!(
                matches!(classify(&Text::lit(wrong)), Err(ImageError::Unsupported(_))),
                "{wrong}"
            );
        }
    }

    #[test]
    fn rejects_other_registries_and_params_in_repositories() {
        assert!(matches!(
            classify(&Text::lit("docker.io/library/nginx:1")),
            Err(ImageError::Unsupported(_))
        ));
        assert!(matches!(
            classify(&Text::lit(
                "123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders"
            )),
            Err(ImageError::Unsupported(_))
        ));
        let t = text(&[
            ("123456789012.dkr.ecr.eu-west-1.amazonaws.com/", false),
            ("repo", true),
            (":1", false),
        ]);
        assert_eq!(classify(&t), Err(ImageError::ParamInRepository));
        assert!(matches!(
            classify(&Text::lit(
                "123456789012.dkr.ecr.eu-west-1.amazonaws.com/-orders:1"
            )),
            Err(ImageError::Unsupported(_))
        ));
        assert!(matches!(
            classify(&Text::lit(
                "123456789012.dkr.ecr.eu-west-1.amazonaws.com/Orders:1"
            )),
            Err(ImageError::Unsupported(_))
        ));
        assert!(matches!(
            classify(&Text::lit(
                "123456789012.dkr.ecr.eu-west-1.amazonaws.com/a__b:1"
            )),
            Err(ImageError::Unsupported(_))
        ));
        assert!(matches!(
            classify(&Text::lit("public.ecr.aws/users:1")),
            Err(ImageError::Unsupported(_))
        ));
        assert_eq!(
            classify(&text(&[("public.ecr.aws/acme/", false), ("x", true)])),
            Ok(ImageSource::EcrPublic)
        );
    }
}
