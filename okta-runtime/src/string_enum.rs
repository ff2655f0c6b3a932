//! The impls every generated string enum needs, written once: the generated
//! code declares the enum (with its `Unknown(String)` variant) and maps its
//! variants to wire values; this macro does the rest.

/// Implements, for a string enum with an `Unknown(String)` variant: `as_str`,
/// `From<&str>`, `From<String>`, `Display`, `Serialize` and `Deserialize`,
/// keeping values the spec does not list as sent; and equality and hashing
/// by the value as written on the wire, so a value built as
/// `Unknown("ACTIVE")` is the same as `Active`. There is no `Ord`: sort by
/// `as_str()`, which orders values by their wire text.
#[macro_export]
#[doc(hidden)]
macro_rules! string_enum_impls {
    ($name:ident { $( $variant:ident = $wire:literal ),* $(,)? }) => {
        impl $name {
            /// The value as written on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )*
                    Self::Unknown(value) => value,
                }
            }

            fn known(value: &str) -> ::std::option::Option<Self> {
                match value {
                    $( $wire => ::std::option::Option::Some(Self::$variant), )*
                    _ => ::std::option::Option::None,
                }
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                Self::known(value).unwrap_or_else(|| Self::Unknown(value.to_owned()))
            }
        }

        impl ::std::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                Self::known(&value).unwrap_or(Self::Unknown(value))
            }
        }

        impl ::std::cmp::PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.as_str() == other.as_str()
            }
        }

        impl ::std::cmp::Eq for $name {}

        impl ::std::hash::Hash for $name {
            fn hash<H: ::std::hash::Hasher>(&self, state: &mut H) {
                ::std::hash::Hash::hash(self.as_str(), state)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    Self::Unknown(value) => $crate::coverage::serialize_unlisted(value, serializer),
                    _ => serializer.serialize_str(self.as_str()),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                $crate::deserialize_enum(deserializer)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    /// What the generator writes for a string enum.
    #[derive(Clone, Debug)]
    enum Status {
        Active,
        Inactive,
        Unknown(String),
    }

    crate::string_enum_impls!(Status { Active = "ACTIVE", Inactive = "INACTIVE" });

    #[test]
    fn values_compare_and_hash_by_their_wire_text() {
        use std::collections::HashSet;

        assert_eq!(Status::Unknown("ACTIVE".to_owned()), Status::Active);
        assert_ne!(Status::Active, Status::Inactive);
        let set: HashSet<Status> = [Status::Active, Status::Unknown("ACTIVE".to_owned())].into_iter().collect();
        assert_eq!(set.len(), 1);
        let mut values = [Status::Inactive, Status::Unknown("DELETED".to_owned()), Status::Active];
        values.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        assert_eq!(values.map(|v| v.to_string()), ["ACTIVE", "DELETED", "INACTIVE"]);
    }

    #[test]
    fn unknown_values_are_kept_as_sent() {
        let status: Status = serde_json::from_str(r#""SUSPENDED""#).expect("decodes");
        assert!(matches!(&status, Status::Unknown(s) if s == "SUSPENDED"));
        assert_eq!(serde_json::to_string(&status).expect("encodes"), r#""SUSPENDED""#);
        assert!(matches!(Status::from("INACTIVE"), Status::Inactive));
    }
}
