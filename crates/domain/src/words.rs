//! Closed sets of words (a post's status, a role, a widget's kind…): each is one enum, spelled
//! once, with its text for JSON, the database and error messages. Adapters deserialize them
//! at the edge (serde), GraphQL mirrors them, the store reads and writes them as typed columns.

/// Declares such an enum: `Variant = "text"` for each member.
macro_rules! words {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $($(#[$variant_meta:meta])* $variant:ident = $text:tt),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub enum $name {
            $($(#[$variant_meta])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// Every member, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The member's text, as JSON and the database spell it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// The member of this text; the error lists the valid ones.
            pub fn parse(value: &str) -> Result<Self, String> {
                match value {
                    $($text => Ok($name::$variant),)+
                    _ => Err(format!("must be one of {}", [$($text),+].join(", "))),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use words;

#[cfg(test)]
mod tests {
    words! {
        /// A test set.
        pub enum Sample { One = "one", TwoWords = "two_words" }
    }

    #[test]
    fn text_round_trips_and_errors_list_the_members() {
        for member in Sample::ALL {
            assert_eq!(Sample::parse(member.as_str()), Ok(*member));
        }
        assert_eq!(Sample::parse("three"), Err("must be one of one, two_words".to_string()));
        assert_eq!(serde_json::to_string(&Sample::TwoWords).unwrap(), "\"two_words\"");
    }
}
